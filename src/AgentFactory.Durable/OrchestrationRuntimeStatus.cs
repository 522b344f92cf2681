namespace AgentFactory.Durable;

/// <summary>The runtime status of an orchestration instance.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Scheduled, not yet started by a worker.</summary>
    Pending,
    /// <summary>Started: running or waiting on activities, timers or events.</summary>
    Running,
    /// <summary>Suspended by a client; events are kept until it resumes.</summary>
    Suspended,
    /// <summary>Finished with an output.</summary>
    Completed,
    /// <summary>Finished with a failure.</summary>
    Failed,
    /// <summary>Stopped by a client.</summary>
    Terminated,
    /// <summary>Internal: an execution that ended by continuing as new.</summary>
    ContinuedAsNew,
}

/// <summary>Helpers on <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>True for Completed, Failed and Terminated: the instance will never run again on its own.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
