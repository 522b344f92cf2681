using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Backend;

/// <summary>An event on its way to an orchestration instance.</summary>
/// <param name="InstanceId">The target instance.</param>
/// <param name="Event">The event to append to the target's history.</param>
public sealed record OrchestrationMessage(string InstanceId, HistoryEvent Event)
{
    /// <summary>The target execution; a message for another execution is dropped. Null: whichever is current.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Not delivered before this time (timers, scheduled starts).</summary>
    public DateTime? VisibleAt { get; init; }
}

/// <summary>A request to run an activity for an orchestration.</summary>
public sealed record ActivityRequest(string InstanceId, string ExecutionId, TaskScheduledEvent Scheduled);

/// <summary>A locked instance: its history and the messages to process in one episode.</summary>
public sealed class OrchestrationWorkItem
{
    public required string InstanceId { get; init; }

    /// <summary>The status record; null for an instance created by a message alone.</summary>
    public OrchestrationMetadata? Instance { get; init; }

    /// <summary>The current execution's committed history.</summary>
    public required IReadOnlyList<HistoryEvent> History { get; init; }

    /// <summary>The messages to process, in delivery order.</summary>
    public required IReadOnlyList<OrchestrationMessage> Messages { get; init; }

    /// <summary>Backend-specific lock state.</summary>
    public object? LockToken { get; init; }
}

/// <summary>A locked activity request.</summary>
public sealed class ActivityWorkItem
{
    public required ActivityRequest Request { get; init; }

    /// <summary>How many times the request has been handed out, this time included.</summary>
    public int DequeueCount { get; init; }

    /// <summary>Backend-specific lock state.</summary>
    public object? LockToken { get; init; }
}

/// <summary>Everything one episode writes; a backend applies it atomically.</summary>
public sealed class OrchestrationCommit
{
    /// <summary>Events to append, with their event ids assigned.</summary>
    public required IReadOnlyList<HistoryEvent> NewEvents { get; init; }

    /// <summary>True when a new execution started (ContinueAsNew): <see cref="NewEvents"/> replace the history.</summary>
    public bool ReplacesHistory { get; init; }

    /// <summary>The instance's new status record; null leaves it as it is (the episode only consumed messages).</summary>
    public OrchestrationMetadata? Instance { get; init; }

    /// <summary>A commit that only removes the consumed messages.</summary>
    public static OrchestrationCommit ConsumeOnly { get; } = new() { NewEvents = [] };

    /// <summary>Activities to run.</summary>
    public IReadOnlyList<ActivityRequest> ActivityRequests { get; init; } = [];

    /// <summary>Messages to other instances and to itself (timers).</summary>
    public IReadOnlyList<OrchestrationMessage> Messages { get; init; } = [];
}
