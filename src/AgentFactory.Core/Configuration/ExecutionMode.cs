namespace AgentFactory.Core.Configuration;

/// <summary>How an agent's container runs.</summary>
public enum ExecutionMode
{
    /// <summary>The container runs all the time and is billed for every hour.</summary>
    AlwaysOn,

    /// <summary>A container runs per task and scales to zero between tasks; billed per second of work.</summary>
    OnDemand,
}
