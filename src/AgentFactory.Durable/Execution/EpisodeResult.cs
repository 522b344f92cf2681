using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Execution;

/// <summary>What one episode produced: the events to append, the new actions and the resulting status.</summary>
internal sealed class EpisodeResult
{
    public required ExecutionStartedEvent Started { get; init; }

    /// <summary>Events to append to the history, in order (without event ids).</summary>
    public required IReadOnlyList<HistoryEvent> NewEvents { get; init; }

    /// <summary>Actions first produced in this episode; each becomes a message.</summary>
    public required IReadOnlyList<OrchestratorAction> NewActions { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public string? Output { get; init; }

    public FailureDetails? Failure { get; init; }

    public string? CustomStatus { get; init; }

    /// <summary>Input of the next execution when <see cref="Status"/> is ContinuedAsNew.</summary>
    public string? ContinueAsNewInput { get; init; }

    /// <summary>Events the next execution receives when <see cref="Status"/> is ContinuedAsNew.</summary>
    public IReadOnlyList<EventRaisedEvent> CarriedEvents { get; init; } = [];

    /// <summary>How many past events were replayed (a metric).</summary>
    public int ReplayedEvents { get; init; }
}
