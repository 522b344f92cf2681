using System.Text.Json;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Replay;

/// <summary>An instance's history as exported to JSON: what ops save and what the <see cref="Replayer"/> reads.</summary>
public sealed record HistoryExport(string InstanceId, string Name, IReadOnlyList<HistoryEvent> Events)
{
    private static readonly JsonSerializerOptions Indented = new(DataConverter.DefaultOptions) { WriteIndented = true };

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    /// <summary>Reads an export; throws <see cref="JsonException"/> with the position of the problem.</summary>
    public static HistoryExport FromJson(string json) =>
        JsonSerializer.Deserialize<HistoryExport>(json, DataConverter.DefaultOptions)
        ?? throw new JsonException("The history export is empty.");

    /// <summary>Exports an instance's history through a client.</summary>
    public static async Task<HistoryExport> ExportAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata instance = await client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken)
            ?? throw new OrchestrationNotFoundException($"No orchestration with instance id '{instanceId}' exists.");
        return new HistoryExport(instanceId, instance.Name, await client.GetInstanceHistoryAsync(instanceId, cancellationToken));
    }
}
