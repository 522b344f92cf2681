namespace AgentFactory.Core.Configuration;

/// <summary>The commercial tier of an agent; each tier has limits (<see cref="TierLimits"/>).</summary>
public enum Tier
{
    /// <summary>Small, on-demand agents with a low monthly budget.</summary>
    Starter,

    /// <summary>Larger agents; always-on allowed.</summary>
    Professional,

    /// <summary>The largest sizes and budgets.</summary>
    Enterprise,
}
