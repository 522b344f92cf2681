namespace AgentFactory.Durable;

/// <summary>What an activity knows about its call.</summary>
public abstract class TaskActivityContext
{
    /// <summary>Name of the activity.</summary>
    public abstract string Name { get; }

    /// <summary>Instance id of the orchestration that scheduled it.</summary>
    public abstract string InstanceId { get; }

    /// <summary>
    /// The task id within the orchestration's history. Together with <see cref="InstanceId"/> it is a
    /// stable idempotency key: activities run at least once, so side effects should be keyed by it.
    /// </summary>
    public abstract int TaskId { get; }
}
