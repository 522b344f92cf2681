using System.Text.Json.Serialization;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>One line of a container's log file (JSON lines, one object per line).</summary>
internal sealed record LogEntry(
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("time")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("stream")] ContainerLogStream Stream,
    [property: JsonPropertyName("text")] string Text);

/// <summary>Serialization of the files a container keeps on disk, generated at build time.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, WriteIndented = false)]
[JsonSerializable(typeof(LogEntry))]
[JsonSerializable(typeof(ContainerRecord))]
internal sealed partial class ContainerJson : JsonSerializerContext;
