namespace AgentFactory.Functions.Orchestration;

/// <summary>Settings of agent creation (section <c>AgentFactory:AgentCreation</c>).</summary>
public sealed class AgentCreationOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:AgentCreation";

    /// <summary>How long a wizard step waits for a person before the creation expires and is cleaned up.</summary>
    public TimeSpan HumanStepTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Pause between health checks of a starting agent (a durable timer).</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a started agent may take to become healthy before the deployment fails.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Pause between looks for the first task's result (a durable timer).</summary>
    public TimeSpan FirstTaskPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the first task may take before the deployment fails.</summary>
    public TimeSpan FirstTaskTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Attempts per activity (storage hiccups, a busy runtime), including the first.</summary>
    public int ActivityMaxAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of an activity (doubling after).</summary>
    public TimeSpan ActivityRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Azure region whose price sheet the estimate uses.</summary>
    public string Region { get; set; } = "eastus";

    /// <summary>The snapshot a new creation carries in its input.</summary>
    public AgentCreationSettings ToSettings() => new()
    {
        HumanStepTimeout = HumanStepTimeout,
        HealthCheckInterval = HealthCheckInterval,
        HealthCheckTimeout = HealthCheckTimeout,
        FirstTaskPollInterval = FirstTaskPollInterval,
        FirstTaskTimeout = FirstTaskTimeout,
        ActivityMaxAttempts = ActivityMaxAttempts,
        ActivityRetryInterval = ActivityRetryInterval,
    };

    /// <summary>What is wrong with these options, or null.</summary>
    internal string? Problem() =>
        HumanStepTimeout <= TimeSpan.Zero ? "HumanStepTimeout must be positive."
        : HealthCheckInterval <= TimeSpan.Zero || HealthCheckTimeout < HealthCheckInterval ? "HealthCheckInterval must be positive and at most HealthCheckTimeout."
        : FirstTaskPollInterval <= TimeSpan.Zero || FirstTaskTimeout < FirstTaskPollInterval ? "FirstTaskPollInterval must be positive and at most FirstTaskTimeout."
        : ActivityMaxAttempts < 1 ? "ActivityMaxAttempts must be at least 1."
        : ActivityRetryInterval <= TimeSpan.Zero ? "ActivityRetryInterval must be positive."
        : string.IsNullOrWhiteSpace(Region) ? "Region is required."
        : null;
}
