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
    public static HistoryExport FromJson(string json)
    {
        HistoryExport? export;
        try
        {
            export = JsonSerializer.Deserialize<HistoryExport>(json, DataConverter.DefaultOptions);
        }
        catch (NotSupportedException ex)
        {
            // System.Text.Json reports an event without a "type" discriminator this way; callers are promised
            // a JsonException for any malformed export, and the message already carries the path and position.
            throw new JsonException(ex.Message, ex);
        }

        if (export is null)
        {
            throw new JsonException("The history export is empty.");
        }

        // Missing or null members are not rejected by the serializer; without these checks they would
        // surface later as a NullReferenceException deep inside the Replayer.
        if (export.Events is null)
        {
            throw new JsonException("The history export has no \"events\" array.");
        }

        for (int i = 0; i < export.Events.Count; i++)
        {
            if (export.Events[i] is null)
            {
                throw new JsonException($"Event #{i} of the history export is null.");
            }
        }

        return export;
    }

    /// <summary>Exports an instance's history through a client.</summary>
    public static async Task<HistoryExport> ExportAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata instance = await client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken)
            ?? throw new OrchestrationNotFoundException($"No orchestration with instance id '{instanceId}' exists.");
        return new HistoryExport(instanceId, instance.Name, await client.GetInstanceHistoryAsync(instanceId, cancellationToken));
    }
}
