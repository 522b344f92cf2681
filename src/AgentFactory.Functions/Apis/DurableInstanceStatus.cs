using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// An instance's status as Durable Functions' HTTP API returns it (<c>StatusResponsePayload</c>): payloads are JSON values,
/// times are ISO 8601 in whole UTC seconds, <c>historyEvents</c> only when asked for.
/// </summary>
public sealed record DurableInstanceStatus(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("runtimeStatus")] string RuntimeStatus,
    [property: JsonPropertyName("input")] JsonNode? Input,
    [property: JsonPropertyName("customStatus")] JsonNode? CustomStatus,
    [property: JsonPropertyName("output")] JsonNode? Output,
    [property: JsonPropertyName("createdTime")] string CreatedTime,
    [property: JsonPropertyName("lastUpdatedTime")] string LastUpdatedTime,
    [property: JsonPropertyName("historyEvents"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonArray? HistoryEvents = null)
{
    /// <summary>The status of <paramref name="instance"/> (read with its payloads).</summary>
    public static DurableInstanceStatus From(OrchestrationMetadata instance, bool showInput, JsonArray? historyEvents = null) => new(
        instance.Name,
        instance.InstanceId,
        instance.RuntimeStatus.ToString(),
        showInput ? DurableTaskApiJson.ToJsonValue(instance.SerializedInput) : null,
        DurableTaskApiJson.ToJsonValue(instance.SerializedCustomStatus),
        OutputOf(instance),
        Seconds(instance.CreatedAt),
        Seconds(instance.LastUpdatedAt),
        historyEvents);

    // Durable Functions reports a failed instance's error as its output; a client that shows "output" shows why.
    private static JsonNode? OutputOf(OrchestrationMetadata instance) =>
        instance is { RuntimeStatus: OrchestrationRuntimeStatus.Failed, SerializedOutput: null, FailureDetails: { } failure }
            ? JsonValue.Create($"Orchestrator function '{instance.Name}' failed: {failure.ErrorMessage}")
            : DurableTaskApiJson.ToJsonValue(instance.SerializedOutput);

    // The format Durable Functions uses: DateTime.ToString("s") + "Z".
    private static string Seconds(DateTime value) =>
        DurableTaskApiJson.Utc(value).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
