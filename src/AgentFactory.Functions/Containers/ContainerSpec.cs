using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgentFactory.Functions.Containers;

/// <summary>
/// What to run and with which limits. Names follow the Container Instances rules so that a spec that works
/// locally is accepted in Azure. Secret environment values reach the process and nothing else: they are left
/// out of <see cref="ToString"/>, <see cref="ContainerInfo"/>, status, logs and anything persisted.
/// </summary>
public sealed partial class ContainerSpec
{
    /// <summary>The smallest memory limit accepted (a smaller one cannot start a shell, let alone .NET).</summary>
    public const long MinMemoryBytes = 16L * 1024 * 1024;

    /// <summary>The largest memory limit: a Container Instances Linux group (ANCHORS.md: 4 vCPU, 16 GB).</summary>
    public const long MaxMemoryBytes = 16L * 1024 * 1024 * 1024;

    /// <summary>The most CPU cores: a Container Instances Linux group (ANCHORS.md).</summary>
    public const decimal MaxCpuCores = 4m;

    /// <summary>Where the writable work directory appears inside the container.</summary>
    public const string WorkPath = "/work";

    /// <summary>Container name: 1–63 lowercase letters, digits and single hyphens, not at either end.</summary>
    public required string Name { get; init; }

    /// <summary>The image (Container Instances). The local runtime runs <see cref="Command"/> on the host's read-only file system and does not use it.</summary>
    public string? Image { get; init; }

    /// <summary>The executable and its arguments, passed as they are (no shell).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Environment variables; those marked secret are never shown.</summary>
    public IReadOnlyList<ContainerEnvironmentVariable> Environment { get; init; } = [];

    /// <summary>CPU limit in cores, e.g. 0.5, 1, 2 or 4 (at most two decimals).</summary>
    public decimal CpuCores { get; init; } = 1m;

    /// <summary>Memory limit in bytes; the container is killed when it uses more.</summary>
    public long MemoryBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Whether the container may use the network. Off by default: most agents need none.</summary>
    public bool NetworkAccess { get; init; }

    /// <summary>Host directories to show read-only inside, e.g. the agent program's directory.</summary>
    public IReadOnlyList<ContainerMount> ReadOnlyMounts { get; init; } = [];

    /// <summary>
    /// Host directory shown writable at <see cref="WorkPath"/>. When null the runtime makes one and deletes it
    /// with the container; a directory given here is never deleted by the runtime.
    /// </summary>
    public string? WorkDirectory { get; init; }

    /// <summary>
    /// Files the command finds when it starts, by container path → text, e.g. the agent's configuration. Each path is
    /// <c>/work/{directory}/{file}</c>: a directory of its own below <see cref="WorkPath"/>, because Container Instances
    /// mounts files as a read-only volume over a whole directory, which at <see cref="WorkPath"/> itself would hide the
    /// writable work directory. The text is handled like a secret value: never in <see cref="ToString"/>,
    /// <see cref="ContainerInfo"/>, status or logs. It is part of the spec's identity (a create with other text is a
    /// different spec), so runtimes hash it: keep short guessable secrets in secret variables, not in files.
    /// </summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True for a command that runs once per start and whose exit is final, such as a sandbox run over a set of test
    /// tasks; false for a service, restarted by the runtime's policy when it exits (Container Instances' restart policy).
    /// </summary>
    public bool RunOnce { get; init; }

    /// <summary>
    /// Helper processes from the same image that start and stop with the container and share its network (so the
    /// command reaches them at 127.0.0.1), e.g. the sandbox's HTTP test endpoint; they see neither its environment nor
    /// its files. Container Instances runs each as another container of the group. Its limits come on top of the
    /// container's own. The local runtime runs none: it refuses a spec with sidecars.
    /// </summary>
    public IReadOnlyList<ContainerSidecar> Sidecars { get; init; } = [];

    /// <summary>Free-form labels (deployment id, tenant…), kept with the container and shown in its info.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Throws <see cref="ArgumentException"/> with a message that says what to change.</summary>
    public void Validate()
    {
        if (!IsValidName(Name))
        {
            throw new ArgumentException(
                $"Container name '{Name}' is invalid: use 1-63 lowercase letters, digits and single hyphens, not starting or ending with a hyphen.",
                nameof(Name));
        }

        if (Command is not [{ Length: > 0 }, ..])
        {
            throw new ArgumentException("Command needs at least the executable.", nameof(Command));
        }

        if (CpuCores <= 0 || CpuCores > MaxCpuCores || decimal.Round(CpuCores, 2) != CpuCores)
        {
            throw new ArgumentException($"CPU cores {CpuCores} must be more than 0 and at most {MaxCpuCores}, in steps of 0.01.", nameof(CpuCores));
        }

        if (MemoryBytes is < MinMemoryBytes or > MaxMemoryBytes)
        {
            throw new ArgumentException($"Memory {MemoryBytes} bytes must be between {MinMemoryBytes} and {MaxMemoryBytes}.", nameof(MemoryBytes));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ContainerEnvironmentVariable variable in Environment)
        {
            if (!EnvironmentName().IsMatch(variable.Name) || !names.Add(variable.Name))
            {
                throw new ArgumentException(
                    $"Environment variable name '{variable.Name}' is invalid or repeated: use letters, digits and '_', not starting with a digit, once each.",
                    nameof(Environment));
            }
        }

        foreach (ContainerMount mount in ReadOnlyMounts)
        {
            mount.Validate();
        }

        foreach (string path in Files.Keys)
        {
            if (!FilePath().IsMatch(path))
            {
                throw new ArgumentException(
                    $"File path '{path}' is invalid: use {WorkPath}/<directory>/<file>, each name letters, digits, '.', '_' or '-', not starting with '.' or '-'.",
                    nameof(Files));
            }
        }

        var containers = new HashSet<string>(StringComparer.Ordinal) { Name };
        foreach (ContainerSidecar sidecar in Sidecars)
        {
            sidecar.Validate();
            if (!containers.Add(sidecar.Name))
            {
                throw new ArgumentException($"Sidecar name '{sidecar.Name}' is used twice (or is the container's own name).", nameof(Sidecars));
            }
        }

        if (CpuCores + Sidecars.Sum(s => s.CpuCores) > MaxCpuCores || MemoryBytes + Sidecars.Sum(s => s.MemoryBytes) > MaxMemoryBytes)
        {
            throw new ArgumentException($"The container and its sidecars together ask for more than {MaxCpuCores} CPU cores or {MaxMemoryBytes} bytes.", nameof(Sidecars));
        }

        if (WorkDirectory is not null && !Path.IsPathFullyQualified(WorkDirectory))
        {
            throw new ArgumentException($"Work directory '{WorkDirectory}' must be an absolute host path.", nameof(WorkDirectory));
        }
    }

    /// <summary>True for a name Container Instances accepts.</summary>
    public static bool IsValidName(string? name) => name is { Length: >= 1 and <= 63 } && ContainerName().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>A summary without environment values or file contents.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {string.Join(' ', Command)} ({CpuCores} CPU, {MemoryBytes} bytes, network {(NetworkAccess ? "on" : "off")}, env {string.Join(',', Environment.Select(e => e.Name))}" +
            $"{(Files.Count > 0 ? ", files " + string.Join(',', Files.Keys.Order(StringComparer.Ordinal)) : "")})");

    /// <summary>
    /// Every field, secrets included, in a fixed order: two specs are equivalent when these bytes are equal.
    /// Runtimes hash it (never store it) to recognise a repeated create.
    /// </summary>
    internal byte[] CanonicalBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(Name);
            json.WriteStringValue(Image);
            WriteStrings(json, Command);
            json.WriteStartArray();
            foreach (ContainerEnvironmentVariable variable in Environment.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                WriteStrings(json, [variable.Name, variable.Value, variable.IsSecret ? "secret" : "plain"]);
            }

            json.WriteEndArray();
            json.WriteNumberValue(CpuCores);
            json.WriteNumberValue(MemoryBytes);
            json.WriteBooleanValue(NetworkAccess);
            WriteStrings(json, [.. ReadOnlyMounts.SelectMany(m => new[] { m.HostPath, m.ContainerPath })]);
            json.WriteStringValue(WorkDirectory);
            WriteStrings(json, [.. Labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { l.Key, l.Value })]);
            if (Files.Count > 0)
            {
                // Only when there are files: a spec without any keeps the bytes (and so the stored hashes) it had before files existed.
                WriteStrings(json, [.. Files.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => new[] { f.Key, f.Value })]);
            }

            // Likewise only when set, for the same reason.
            if (RunOnce || Sidecars.Count > 0)
            {
                json.WriteBooleanValue(RunOnce);
                json.WriteStartArray();
                foreach (ContainerSidecar sidecar in Sidecars)
                {
                    json.WriteStringValue(sidecar.Name);
                    WriteStrings(json, sidecar.Command);
                    json.WriteNumberValue(sidecar.CpuCores);
                    json.WriteNumberValue(sidecar.MemoryBytes);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, IEnumerable<string> values)
    {
        json.WriteStartArray();
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex("^" + WorkPath + "/[A-Za-z0-9_][A-Za-z0-9._-]*/[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex FilePath();
}

/// <summary>An environment variable; a secret one shows as <c>NAME=***</c> wherever it is printed.</summary>
public sealed record ContainerEnvironmentVariable(string Name, string Value, bool IsSecret = false)
{
    /// <summary>A variable whose value must never be shown.</summary>
    public static ContainerEnvironmentVariable Secret(string name, string value) => new(name, value, IsSecret: true);

    /// <summary><c>NAME=value</c>, or <c>NAME=***</c> for a secret.</summary>
    public override string ToString() => IsSecret ? Name + "=***" : Name + "=" + Value;
}

/// <summary>
/// A helper process of a container (<see cref="ContainerSpec.Sidecars"/>): same image, own command and limits, the
/// container's network.
/// </summary>
public sealed record ContainerSidecar(string Name, IReadOnlyList<string> Command, decimal CpuCores, long MemoryBytes)
{
    /// <summary>Throws <see cref="ArgumentException"/> with a message that says what to change.</summary>
    public void Validate()
    {
        if (!ContainerSpec.IsValidName(Name) || Command is not [{ Length: > 0 }, ..])
        {
            throw new ArgumentException($"Sidecar '{Name}' needs a valid container name and a command.", nameof(ContainerSpec.Sidecars));
        }

        if (CpuCores <= 0 || decimal.Round(CpuCores, 2) != CpuCores || MemoryBytes < ContainerSpec.MinMemoryBytes)
        {
            throw new ArgumentException($"Sidecar '{Name}': CPU cores must be more than 0 in steps of 0.01, memory at least {ContainerSpec.MinMemoryBytes} bytes.",
                nameof(ContainerSpec.Sidecars));
        }
    }
}

/// <summary>A host directory shown read-only at <paramref name="ContainerPath"/> inside the container.</summary>
public sealed record ContainerMount(string HostPath, string ContainerPath)
{
    private static readonly string[] Reserved = ["/proc", "/dev", ContainerSpec.WorkPath];

    /// <summary>Throws <see cref="ArgumentException"/> for a relative path or one the runtime owns.</summary>
    public void Validate()
    {
        if (!Path.IsPathFullyQualified(HostPath) || !Path.IsPathFullyQualified(ContainerPath) || ContainerPath.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Mount {HostPath} -> {ContainerPath}: both paths must be absolute, without '..'.", nameof(ContainerSpec.ReadOnlyMounts));
        }

        string target = ContainerPath.TrimEnd('/');
        if (target.Length == 0 || Reserved.Any(r => target == r || target.StartsWith(r + "/", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Mount target '{ContainerPath}' is reserved: not /, {string.Join(", ", Reserved)} or below them.", nameof(ContainerSpec.ReadOnlyMounts));
        }
    }
}
