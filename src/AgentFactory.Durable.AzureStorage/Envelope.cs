using System.Text.Json;
using AgentFactory.Durable.Backend;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// What travels in a queue message and what an outbox row holds: an orchestration message or an
/// activity request, plus the outbox row (in the target instance's partition) that the consuming
/// commit deletes. Serialized as JSON; moved to a blob when too large.
/// </summary>
internal sealed record Envelope
{
    public OrchestrationMessage? Message { get; init; }

    public ActivityRequest? Activity { get; init; }

    /// <summary>Row key of the outbox row, in the target instance's partition, that records this work.</summary>
    public string? OutboxKey { get; init; }

    /// <summary>When the message is a timer beyond the queue's 7-day visibility limit: the real due time.</summary>
    public DateTime? DueAt { get; init; }

    /// <summary>The instance the envelope is about (its partition decides the control queue).</summary>
    public string InstanceId => Message?.InstanceId ?? Activity?.InstanceId ?? throw new InvalidOperationException("Empty envelope.");

    public string ToJson() => JsonSerializer.Serialize(this, DataConverter.DefaultOptions);

    public static Envelope FromJson(string json) =>
        JsonSerializer.Deserialize<Envelope>(json, DataConverter.DefaultOptions) ?? throw new JsonException("Empty envelope.");
}
