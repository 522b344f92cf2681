namespace AgentFactory.Durable;

/// <summary>Options for scheduling an activity or sub-orchestration.</summary>
public record TaskOptions
{
    public TaskOptions()
    {
    }

    public TaskOptions(RetryPolicy? retry) => Retry = retry;

    /// <summary>Retries on failure, waiting on durable timers between attempts.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Creates options that retry with <paramref name="policy"/>.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}

/// <summary>Options for a sub-orchestration: an explicit instance id, and retries.</summary>
public record SubOrchestrationOptions : TaskOptions
{
    /// <summary>Instance id of the sub-orchestration; a deterministic new id when null.</summary>
    public string? InstanceId { get; init; }
}

/// <summary>How failed tasks are retried. Delays grow by <see cref="BackoffCoefficient"/> up to <see cref="MaxRetryInterval"/>.</summary>
public sealed record RetryPolicy
{
    /// <summary>Creates a retry policy.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts, including the first (at least 1).</param>
    /// <param name="firstRetryInterval">Delay before the first retry (positive).</param>
    /// <param name="backoffCoefficient">Multiplier for each further delay (at least 1).</param>
    /// <param name="maxRetryInterval">Longest delay between attempts (default: one hour).</param>
    /// <param name="retryTimeout">No retry starts after this much time since the first attempt (default: unbounded).</param>
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> when unbounded.</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Decides whether a failure is retried; every failure is when null.</summary>
    public Func<TaskFailedException, bool>? Handle { get; init; }

    /// <summary>The delay before retry number <paramref name="retry"/> (1 = the first retry).</summary>
    public TimeSpan GetDelay(int retry)
    {
        double ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, retry - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
