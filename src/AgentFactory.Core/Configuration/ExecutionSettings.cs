namespace AgentFactory.Core.Configuration;

/// <summary>
/// The execution mode and, for <see cref="ExecutionMode.OnDemand"/>, the expected load that pricing needs
/// (an on-demand agent is billed per task, so the estimate needs tasks per day and their duration).
/// </summary>
public sealed record ExecutionSettings
{
    /// <summary>Always on, or on demand.</summary>
    public required ExecutionMode Mode { get; init; }

    /// <summary>Expected tasks per day; required when <see cref="Mode"/> is on demand, ignored otherwise.</summary>
    public int? ExpectedTasksPerDay { get; init; }

    /// <summary>Average duration of one task in seconds; required when on demand, ignored otherwise.</summary>
    public double? AverageTaskDurationSeconds { get; init; }

    /// <summary>An always-on execution.</summary>
    public static ExecutionSettings AlwaysOn { get; } = new() { Mode = ExecutionMode.AlwaysOn };

    /// <summary>An on-demand execution with its expected load.</summary>
    public static ExecutionSettings OnDemand(int expectedTasksPerDay, double averageTaskDurationSeconds) => new()
    {
        Mode = ExecutionMode.OnDemand,
        ExpectedTasksPerDay = expectedTasksPerDay,
        AverageTaskDurationSeconds = averageTaskDurationSeconds,
    };
}
