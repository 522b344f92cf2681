using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.Worker;

internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Durable worker started: {Orchestrations} orchestration and {Activities} activity slots.")]
    public static partial void WorkerStarted(this ILogger logger, int orchestrations, int activities);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Durable worker stopped.")]
    public static partial void WorkerStopped(this ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Episode of {Name} ({InstanceId}): {Status}, {Replayed} events replayed, {New} new.")]
    public static partial void EpisodeCompleted(this ILogger logger, string name, string instanceId, OrchestrationRuntimeStatus status, int replayed, int @new);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Orchestration {Name} ({InstanceId}) failed: {Error}")]
    public static partial void OrchestrationFailed(this ILogger logger, string name, string instanceId, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Episode of instance {InstanceId} could not be committed; its messages will be delivered again.")]
    public static partial void EpisodeAbandoned(this ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Activity {Name} (task {TaskId} of {InstanceId}) {Outcome} in {Milliseconds:F1} ms.")]
    public static partial void ActivityCompleted(this ILogger logger, string name, int taskId, string instanceId, string outcome, double milliseconds);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Activity {Name} (task {TaskId} of {InstanceId}) was abandoned at shutdown; it will run again.")]
    public static partial void ActivityAbandoned(this ILogger logger, string name, int taskId, string instanceId);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Activity {Name} (task {TaskId} of {InstanceId}): its result could not be delivered; it will run again.")]
    public static partial void ActivityDeliveryFailed(this ILogger logger, string name, int taskId, string instanceId, Exception exception);

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Durable worker loop error; retrying.")]
    public static partial void LoopError(this ILogger logger, Exception exception);
}
