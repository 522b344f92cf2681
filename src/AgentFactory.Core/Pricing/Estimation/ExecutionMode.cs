namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>How an agent's container runs, which decides how its compute and memory are billed.</summary>
public enum ExecutionMode
{
    /// <summary>One container group runs all month (730 h), busy or idle, polling its queue.</summary>
    AlwaysOn,

    /// <summary>A container group starts per task and stops when the task is done (scale to zero), billed per second.</summary>
    OnDemand,
}
