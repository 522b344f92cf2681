using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>
/// A <see cref="ContainerSpec"/> as a Container Instances container group (api-version 2023-05-01) and back: one
/// container named like the group, requests from the spec's CPU and memory, secret variables as <c>secureValue</c>
/// (which ARM never returns), the spec's files as secret volumes (never shown either), the spec's labels as
/// tags plus the runtime's own <c>agentfactory-*</c> tags.
/// </summary>
internal static class ContainerGroupJson
{
    /// <summary>Tag: hash of the spec with secret values left out, to recognise a repeated create.</summary>
    public const string SpecTag = "agentfactory-spec";

    /// <summary>Tag: "true" once the group was started through the runtime (a created group is kept stopped until then).</summary>
    public const string StartedTag = "agentfactory-started";

    /// <summary>Tag: when the runtime created the group (ISO 8601).</summary>
    public const string CreatedTag = "agentfactory-created";

    private const double BytesPerGb = 1024d * 1024 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The PUT body.</summary>
    public static byte[] Group(ContainerSpec spec, ContainerInstancesOptions options, DateTimeOffset createdAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("location", options.Location);
            json.WriteStartObject("tags");
            foreach ((string key, string value) in spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteString(SpecTag, SpecHash(spec));
            json.WriteString(StartedTag, "false");
            json.WriteString(CreatedTag, createdAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            if (options.GroupIdentityResourceId is { Length: > 0 } identity)
            {
                json.WriteStartObject("identity");
                json.WriteString("type", "UserAssigned");
                json.WriteStartObject("userAssignedIdentities");
                json.WriteStartObject(identity);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartObject("properties");
            json.WriteStartArray("containers");
            json.WriteStartObject();
            json.WriteString("name", spec.Name);
            json.WriteStartObject("properties");
            WriteImageAndCommand(json, spec.Image!, spec.Command);
            json.WriteStartArray("environmentVariables");
            foreach (ContainerEnvironmentVariable variable in spec.Environment)
            {
                json.WriteStartObject();
                json.WriteString("name", variable.Name);
                json.WriteString(variable.IsSecret ? "secureValue" : "value", variable.Value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            IReadOnlyList<FileVolume> volumes = FileVolumes(spec);
            if (volumes.Count > 0)
            {
                json.WriteStartArray("volumeMounts");
                foreach (FileVolume volume in volumes)
                {
                    json.WriteStartObject();
                    json.WriteString("name", volume.Name);
                    json.WriteString("mountPath", volume.MountPath);
                    json.WriteBoolean("readOnly", true);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            WriteRequests(json, spec.CpuCores, spec.MemoryBytes);
            json.WriteEndObject();
            json.WriteEndObject();
            foreach (ContainerSidecar sidecar in spec.Sidecars)
            {
                WriteSidecar(json, spec.Image!, sidecar);
            }

            json.WriteEndArray();
            if (volumes.Count > 0)
            {
                json.WriteStartArray("volumes");
                foreach (FileVolume volume in volumes)
                {
                    json.WriteStartObject();
                    json.WriteString("name", volume.Name);
                    // A secret volume: file name -> base64 content; ACI keeps it on tmpfs, never on disk.
                    json.WriteStartObject("secret");
                    foreach ((string fileName, string text) in volume.Files)
                    {
                        json.WriteString(fileName, Convert.ToBase64String(Utf8.GetBytes(text)));
                    }

                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteString("osType", "Linux");
            // A run-once command (a sandbox run) must not be started again by ACI when it exits.
            json.WriteString("restartPolicy", spec.RunOnce ? "Never" : options.RestartPolicy);
            if (options.RegistryServer is { Length: > 0 } server && options.GroupIdentityResourceId is { Length: > 0 } pullIdentity)
            {
                json.WriteStartArray("imageRegistryCredentials");
                json.WriteStartObject();
                json.WriteString("server", server);
                json.WriteString("identity", pullIdentity);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A sidecar: another container of the group, same image, no environment or volumes, its own requests.</summary>
    private static void WriteSidecar(Utf8JsonWriter json, string image, ContainerSidecar sidecar)
    {
        json.WriteStartObject();
        json.WriteString("name", sidecar.Name);
        json.WriteStartObject("properties");
        WriteImageAndCommand(json, image, sidecar.Command);
        WriteRequests(json, sidecar.CpuCores, sidecar.MemoryBytes);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteImageAndCommand(Utf8JsonWriter json, string image, IReadOnlyList<string> command)
    {
        json.WriteString("image", image);
        json.WriteStartArray("command");
        foreach (string part in command)
        {
            json.WriteStringValue(part);
        }

        json.WriteEndArray();
    }

    private static void WriteRequests(Utf8JsonWriter json, decimal cpuCores, long memoryBytes)
    {
        json.WriteStartObject("resources");
        json.WriteStartObject("requests");
        json.WriteNumber("cpu", cpuCores);
        json.WriteNumber("memoryInGB", MemoryInGb(memoryBytes));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Memory in GB as Container Instances takes it: one decimal, rounded up so the limit is never below the spec.</summary>
    public static decimal MemoryInGb(long bytes) => Math.Ceiling((decimal)(bytes / BytesPerGb) * 10m) / 10m;

    /// <summary>
    /// SHA-256 of the spec with secret values blanked: a tag is readable by anyone who may read the resource group,
    /// so it must not let a weak secret be guessed offline. A create that differs only in a secret's value is therefore
    /// taken as the same container. File contents are hashed, not blanked: other contents must be another spec (the
    /// agent would otherwise keep an old configuration), and the tag holds only the hash, never the text.
    /// </summary>
    public static string SpecHash(ContainerSpec spec)
    {
        var withoutSecrets = new ContainerSpec
        {
            Name = spec.Name,
            Image = spec.Image,
            Command = spec.Command,
            Environment = [.. spec.Environment.Select(e => e.IsSecret ? e with { Value = "" } : e)],
            CpuCores = spec.CpuCores,
            MemoryBytes = spec.MemoryBytes,
            NetworkAccess = spec.NetworkAccess,
            ReadOnlyMounts = spec.ReadOnlyMounts,
            WorkDirectory = spec.WorkDirectory,
            Labels = spec.Labels,
            Files = spec.Files,
            RunOnce = spec.RunOnce,
            Sidecars = spec.Sidecars,
        };
        return Convert.ToHexStringLower(SHA256.HashData(withoutSecrets.CanonicalBytes()));
    }

    /// <summary>The group's tags.</summary>
    public static Dictionary<string, string> Tags(JsonElement group)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(group, "tags") is { ValueKind: JsonValueKind.Object } element)
        {
            foreach (JsonProperty tag in element.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? "";
            }
        }

        return tags;
    }

    /// <summary><c>properties.provisioningState</c>.</summary>
    public static string? ProvisioningState(JsonElement group) =>
        ArmResponse.Text(Get(group, "properties"), "provisioningState");

    /// <summary>True for the provisioning states nothing changes after (Succeeded, Failed, Canceled).</summary>
    public static bool IsTerminal(string? provisioningState) => provisioningState is "Succeeded" or "Failed" or "Canceled";

    /// <summary>The group as the runtime describes a container (secret values are not returned by ARM anyway).</summary>
    public static ContainerInfo Info(JsonElement group, string name)
    {
        JsonElement properties = Get(Container(group, name), "properties");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        if (Get(properties, "environmentVariables") is { ValueKind: JsonValueKind.Array } variables)
        {
            foreach (JsonElement variable in variables.EnumerateArray())
            {
                string variableName = ArmResponse.Text(variable, "name") ?? "";
                if (ArmResponse.Text(variable, "value") is { } value)
                {
                    environment[variableName] = value;
                }
                else
                {
                    secrets.Add(variableName);
                }
            }
        }

        JsonElement requests = Get(Get(properties, "resources"), "requests");
        Dictionary<string, string> tags = Tags(group);
        DateTimeOffset created = tags.TryGetValue(CreatedTag, out string? at)
            && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset parsed) ? parsed : DateTimeOffset.MinValue;
        return new ContainerInfo(
            name,
            ArmResponse.Text(properties, "image"),
            Get(properties, "command") is { ValueKind: JsonValueKind.Array } command
                ? [.. command.EnumerateArray().Select(c => c.GetString() ?? "")]
                : [],
            Get(requests, "cpu") is { ValueKind: JsonValueKind.Number } cpu ? cpu.GetDecimal() : 0m,
            Get(requests, "memoryInGB") is { ValueKind: JsonValueKind.Number } memory ? (long)Math.Round(memory.GetDouble() * BytesPerGb) : 0,
            // A group without a virtual network always reaches the internet; the info says what is true, not what was asked.
            NetworkAccess: true,
            [],
            environment,
            secrets,
            tags.Where(t => !t.Key.StartsWith("agentfactory-", StringComparison.Ordinal)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
            // No directory on this machine: the group's work directory exists only inside the group.
            "",
            created);
    }

    /// <summary>The group's state as a container status (see the mapping in docs/DEPLOYMENT.md).</summary>
    public static ContainerStatus Status(JsonElement group, string name)
    {
        string? provisioning = ProvisioningState(group);
        bool started = Tags(group).GetValueOrDefault(StartedTag) == "true";
        string? groupState = ArmResponse.Text(Get(Get(group, "properties"), "instanceView"), "state");
        JsonElement view = Get(Get(Container(group, name), "properties"), "instanceView");
        JsonElement current = Get(view, "currentState");
        int restarts = Get(view, "restartCount") is { ValueKind: JsonValueKind.Number } rc ? rc.GetInt32() : 0;
        int? exitCode = Get(current, "exitCode") is { ValueKind: JsonValueKind.Number } ec ? ec.GetInt32() : null;
        DateTimeOffset? startedAt = Time(current, "startTime");
        DateTimeOffset? finishedAt = Time(current, "finishTime");
        string? detail = ArmResponse.Text(current, "detailStatus");

        if (provisioning == "Failed")
        {
            return new ContainerStatus(name, ContainerState.Failed, exitCode, startedAt, finishedAt, restarts, LastEventMessage(view, group) ?? "provisioning failed");
        }

        if (!started)
        {
            return new ContainerStatus(name, ContainerState.Created, Message: IsTerminal(provisioning) ? null : "provisioning: " + provisioning);
        }

        if (groupState == "Stopped")
        {
            return new ContainerStatus(name, ContainerState.Stopped, exitCode, startedAt, finishedAt, restarts, "stopped");
        }

        string? state = ArmResponse.Text(current, "state");
        if (state == "Terminated" || groupState is "Succeeded" or "Failed")
        {
            ContainerState ended = detail?.Contains("OOM", StringComparison.OrdinalIgnoreCase) == true ? ContainerState.OomKilled
                : exitCode is { } code ? (code == 0 ? ContainerState.Succeeded : ContainerState.Failed)
                : groupState == "Succeeded" ? ContainerState.Succeeded : ContainerState.Failed;
            return new ContainerStatus(name, ended, exitCode, startedAt, finishedAt, restarts, detail);
        }

        // Running, Waiting (pulling, or between restarts under Always/OnFailure) and a group still updating after a start.
        return new ContainerStatus(name, ContainerState.Running, null, startedAt, null, restarts, state == "Running" ? null : detail ?? state ?? provisioning);
    }

    /// <summary>
    /// One secret volume per directory of the spec's files (a volume mounts over a whole directory), named
    /// <c>files-1</c>, <c>files-2</c>… in the order of the directories.
    /// </summary>
    private static IReadOnlyList<FileVolume> FileVolumes(ContainerSpec spec) =>
        [.. spec.Files
            .GroupBy(f => Path.GetDirectoryName(f.Key)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select((directory, index) => new FileVolume(
                "files-" + (index + 1).ToString(CultureInfo.InvariantCulture),
                directory.Key,
                [.. directory.Select(f => (Path.GetFileName(f.Key), f.Value)).OrderBy(f => f.Item1, StringComparer.Ordinal)]))];

    /// <summary>
    /// True while any container of the group runs: a sidecar may outlive the container itself, and only the group's
    /// stop ends it (and its billing).
    /// </summary>
    public static bool GroupRunning(JsonElement group) =>
        ArmResponse.Text(Get(Get(group, "properties"), "instanceView"), "state") == "Running";

    /// <summary>The container named like the group (the others are its sidecars); the first one for a group made elsewhere.</summary>
    private static JsonElement Container(JsonElement group, string name)
    {
        if (Get(Get(group, "properties"), "containers") is not { ValueKind: JsonValueKind.Array } containers || containers.GetArrayLength() == 0)
        {
            return default;
        }

        foreach (JsonElement container in containers.EnumerateArray())
        {
            if (ArmResponse.Text(container, "name") == name)
            {
                return container;
            }
        }

        return containers[0];
    }

    /// <summary>A property of an object, or an undefined element (never an exception) for anything else.</summary>
    private static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) ? value : default;

    private static DateTimeOffset? Time(JsonElement state, string name) =>
        ArmResponse.Text(state, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at) ? at : null;

    private static string? LastEventMessage(JsonElement containerView, JsonElement group)
    {
        foreach (JsonElement view in new[] { containerView, Get(Get(group, "properties"), "instanceView") })
        {
            if (Get(view, "events") is { ValueKind: JsonValueKind.Array } events && events.GetArrayLength() > 0)
            {
                return ArmResponse.Text(events[events.GetArrayLength() - 1], "message");
            }
        }

        return null;
    }

    /// <summary>A secret volume carrying the files of one directory: (file name, text) pairs.</summary>
    private sealed record FileVolume(string Name, string MountPath, IReadOnlyList<(string FileName, string Text)> Files);
}
