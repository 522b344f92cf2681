using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>The runtime's log events (stable ids: operators filter on them).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Agent {Agent} ({TemplateId} v{TemplateVersion}, {Kind}) starting in {Mode} mode")]
    public static partial void Starting(ILogger logger, string agent, string templateId, int templateVersion, string kind, string mode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Agent stopped: {Reason}")]
    public static partial void Stopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Cannot start: {Problem}")]
    public static partial void StartFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 4, Level = LogLevel.Critical, Message = "The agent failed")]
    public static partial void AgentFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Task {TaskId} ({Op}) started")]
    public static partial void TaskStarted(ILogger logger, string taskId, string op);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Task {TaskId} ({Op}) finished: ok={Ok} in {DurationMs} ms")]
    public static partial void TaskFinished(ILogger logger, string taskId, string op, bool ok, long durationMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Task {TaskId} failed: {Error}")]
    public static partial void TaskFailed(ILogger logger, string taskId, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Task {TaskId} crashed in the handler")]
    public static partial void TaskCrashed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Task {TaskId} skipped: {Reason}")]
    public static partial void TaskSkipped(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "A secret value appeared in the result of task {TaskId} and was masked")]
    public static partial void SecretMasked(ILogger logger, string taskId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Message {MessageId} moved to {PoisonQueue} after {DequeueCount} dequeue(s): {Reason}")]
    public static partial void MessagePoisoned(ILogger logger, string messageId, string poisonQueue, long dequeueCount, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Message {MessageId} could not be completed and will be retried")]
    public static partial void MessageRetried(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Receiving from {Queue} failed; retrying")]
    public static partial void ReceiveFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Heartbeat could not be written")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "Task {TaskId} completed: result written, message {MessageId} deleted")]
    public static partial void TaskCompleted(ILogger logger, string taskId, string messageId);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Listening on queue {Queue}; results to table {ResultsTable}")]
    public static partial void Listening(ILogger logger, string queue, string resultsTable);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Alert: target {Target} failed {ConsecutiveFailures} check(s) in a row ({LastReason}); channel {Channel}")]
    public static partial void Alert(ILogger logger, string target, int consecutiveFailures, string lastReason, string channel);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "Alert for {Target} could not be delivered to {Channel}")]
    public static partial void AlertDeliveryFailed(ILogger logger, string target, string channel, Exception exception);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Scheduled health checks failed")]
    public static partial void ScheduledChecksFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Credential withheld: {Origin} is neither the configured API nor the sandbox endpoint")]
    public static partial void CredentialWithheld(ILogger logger, string origin);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "The sandbox test endpoint {Endpoint} accepted no connection within {Seconds} s; running the tasks anyway")]
    public static partial void EndpointNotReady(ILogger logger, string endpoint, int seconds);
}
