using System.Text.Json.Serialization;

namespace AgentFactory.Durable.History;

/// <summary>
/// One event in an orchestration's history. The history is the source of truth: replaying it
/// through the orchestrator rebuilds the orchestration's state exactly.
/// </summary>
/// <remarks>
/// <see cref="EventId"/> is the event's position in its execution's history (0, 1, 2, …), assigned
/// when the event is committed; -1 while the event is still a message in flight.
/// The JSON shape (a "type" discriminator plus the fields) is a storage and export format: change it
/// only in ways that old histories still read.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecutionStartedEvent), "ExecutionStarted")]
[JsonDerivedType(typeof(OrchestratorStartedEvent), "OrchestratorStarted")]
[JsonDerivedType(typeof(OrchestratorCompletedEvent), "OrchestratorCompleted")]
[JsonDerivedType(typeof(TaskScheduledEvent), "TaskScheduled")]
[JsonDerivedType(typeof(TaskCompletedEvent), "TaskCompleted")]
[JsonDerivedType(typeof(TaskFailedEvent), "TaskFailed")]
[JsonDerivedType(typeof(TimerCreatedEvent), "TimerCreated")]
[JsonDerivedType(typeof(TimerFiredEvent), "TimerFired")]
[JsonDerivedType(typeof(EventRaisedEvent), "EventRaised")]
[JsonDerivedType(typeof(EventSentEvent), "EventSent")]
[JsonDerivedType(typeof(SubOrchestrationInstanceCreatedEvent), "SubOrchestrationInstanceCreated")]
[JsonDerivedType(typeof(SubOrchestrationInstanceCompletedEvent), "SubOrchestrationInstanceCompleted")]
[JsonDerivedType(typeof(SubOrchestrationInstanceFailedEvent), "SubOrchestrationInstanceFailed")]
[JsonDerivedType(typeof(ExecutionSuspendedEvent), "ExecutionSuspended")]
[JsonDerivedType(typeof(ExecutionResumedEvent), "ExecutionResumed")]
[JsonDerivedType(typeof(ExecutionTerminatedEvent), "ExecutionTerminated")]
[JsonDerivedType(typeof(ContinueAsNewEvent), "ContinueAsNew")]
[JsonDerivedType(typeof(ExecutionCompletedEvent), "ExecutionCompleted")]
public abstract record HistoryEvent
{
    /// <summary>Position of the event in its execution's history; -1 while not yet committed.</summary>
    public int EventId { get; init; } = -1;

    /// <summary>When the event happened (UTC).</summary>
    public DateTime Timestamp { get; init; }

    /// <summary>Set on events that arrive as messages; receivers drop a second copy with the same id.</summary>
    public string? MessageId { get; init; }
}

/// <summary>Identifies the parent of a sub-orchestration.</summary>
public sealed record ParentInstance(string InstanceId, string ExecutionId, string Name, int TaskScheduledId);

/// <summary>The first event of every execution.</summary>
public sealed record ExecutionStartedEvent(
    string Name, string? Input, string ExecutionId, ParentInstance? Parent = null,
    IReadOnlyDictionary<string, string>? Tags = null, DateTime? ScheduledStartTime = null) : HistoryEvent;

/// <summary>Marks the start of an episode; its timestamp is the orchestration's <c>CurrentUtcDateTime</c>.</summary>
public sealed record OrchestratorStartedEvent : HistoryEvent;

/// <summary>Marks the end of an episode.</summary>
public sealed record OrchestratorCompletedEvent : HistoryEvent;

/// <summary>The orchestrator scheduled an activity.</summary>
public sealed record TaskScheduledEvent(int TaskId, string Name, string? Input) : HistoryEvent;

/// <summary>An activity returned.</summary>
public sealed record TaskCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>An activity threw.</summary>
public sealed record TaskFailedEvent(int TaskScheduledId, FailureDetails Failure) : HistoryEvent;

/// <summary>The orchestrator created a durable timer.</summary>
public sealed record TimerCreatedEvent(int TaskId, DateTime FireAt) : HistoryEvent;

/// <summary>A durable timer fired.</summary>
public sealed record TimerFiredEvent(int TimerId, DateTime FireAt) : HistoryEvent;

/// <summary>An external event reached the instance.</summary>
public sealed record EventRaisedEvent(string Name, string? Input) : HistoryEvent;

/// <summary>The orchestrator sent an event to another instance.</summary>
public sealed record EventSentEvent(int TaskId, string InstanceId, string Name, string? Input) : HistoryEvent;

/// <summary>The orchestrator started a sub-orchestration.</summary>
public sealed record SubOrchestrationInstanceCreatedEvent(int TaskId, string Name, string InstanceId, string? Input) : HistoryEvent;

/// <summary>A sub-orchestration completed.</summary>
public sealed record SubOrchestrationInstanceCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>A sub-orchestration failed (or was terminated).</summary>
public sealed record SubOrchestrationInstanceFailedEvent(int TaskScheduledId, FailureDetails Failure) : HistoryEvent;

/// <summary>The instance was suspended: events are kept but not delivered until it resumes.</summary>
public sealed record ExecutionSuspendedEvent(string? Reason) : HistoryEvent;

/// <summary>The instance was resumed.</summary>
public sealed record ExecutionResumedEvent(string? Reason) : HistoryEvent;

/// <summary>The instance was terminated by a client.</summary>
public sealed record ExecutionTerminatedEvent(string? Reason, string? Output) : HistoryEvent;

/// <summary>The execution ended by continuing as new with a fresh history.</summary>
public sealed record ContinueAsNewEvent(string? Input) : HistoryEvent;

/// <summary>The last event of a finished execution.</summary>
public sealed record ExecutionCompletedEvent(OrchestrationRuntimeStatus Status, string? Result, FailureDetails? Failure) : HistoryEvent;
