namespace AgentFactory.Core.Pricing;

/// <summary>What a <see cref="BillingUnit"/> measures; its <see cref="BillingUnit.Amount"/> is in the base unit named here.</summary>
public enum UnitDimension
{
    /// <summary>A number of things (operations, executions). Base unit: one.</summary>
    Count,

    /// <summary>Time a resource runs (vCPU time). Base unit: second.</summary>
    Duration,

    /// <summary>Memory held over time. Base unit: GB-second.</summary>
    GbDuration,

    /// <summary>Data stored over a billing month. Base unit: GB-month.</summary>
    GbMonth,

    /// <summary>Data moved (egress). Base unit: GB.</summary>
    Gb,

    /// <summary>A flat charge per period ("1/Month", "1/Hour"). Base unit: second of period length.</summary>
    PerPeriod,
}
