using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>
/// What a container's directory remembers (<c>container.json</c>): its description without secrets, a keyed hash
/// of its full spec (to recognise a repeated create after a restart), and its latest run.
/// </summary>
internal sealed record ContainerRecord(
    ContainerInfo Info,
    string SpecHash,
    bool OwnsWorkDirectory,
    ContainerState State,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int RestartCount,
    string? Message,
    ContainerMetrics? LastMetrics)
{
    public ContainerStatus ToStatus() => new(Info.Name, State, ExitCode, StartedAt, FinishedAt, RestartCount, Message);

    /// <summary>
    /// The spec again, when it had no secrets (secrets are never stored, so a container that has them must be
    /// created again by its owner after a restart of the runtime).
    /// </summary>
    public ContainerSpec? RebuildSpec() => Info.SecretEnvironmentNames.Count > 0
        ? null
        : new ContainerSpec
        {
            Name = Info.Name,
            Image = Info.Image,
            Command = Info.Command,
            Environment = [.. Info.Environment.Select(e => new ContainerEnvironmentVariable(e.Key, e.Value))],
            CpuCores = Info.CpuCores,
            MemoryBytes = Info.MemoryBytes,
            NetworkAccess = Info.NetworkAccess,
            ReadOnlyMounts = Info.ReadOnlyMounts,
            WorkDirectory = OwnsWorkDirectory ? null : Info.WorkDirectory,
            Labels = Info.Labels,
        };

    public static ContainerRecord? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ContainerJson.Default.ContainerRecord) : null;

    /// <summary>Writes to a temporary file and renames it, so a crash leaves the old record or the new one, never half.</summary>
    public void Save(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, ContainerJson.Default.ContainerRecord));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Hashes specs with a key kept in the state directory, so a stored hash says nothing about a secret's value.</summary>
[SupportedOSPlatform("linux")]
internal sealed class SpecHasher(byte[] key)
{
    public static SpecHasher Open(string stateDirectory)
    {
        string path = Path.Combine(stateDirectory, ".spec-key");
        if (!File.Exists(path))
        {
            // Written aside and renamed without overwrite: of two runtimes starting on one directory, one key wins whole.
            string temporary = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temporary, RandomNumberGenerator.GetBytes(32));
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        return new SpecHasher(File.ReadAllBytes(path));
    }

    public string Hash(ContainerSpec spec) => Convert.ToHexString(HMACSHA256.HashData(key, spec.CanonicalBytes()));
}
