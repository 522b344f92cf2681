namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>The groups of an estimate's breakdown (PRODUCT-BRIEF "Cost Estimation").</summary>
public enum CostCategory
{
    /// <summary>vCPU time.</summary>
    Compute,

    /// <summary>Memory held over time.</summary>
    Memory,

    /// <summary>Data stored (GB-months).</summary>
    Storage,

    /// <summary>Queue, table and blob operations.</summary>
    Transactions,

    /// <summary>Internet egress beyond the free allowance.</summary>
    Network,
}
