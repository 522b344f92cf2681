using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation;

/// <summary>
/// The seam to pricing: the monthly cost of a configuration in USD. Validation calls it only for a
/// configuration whose template, tier, resources and execution are valid, and compares the result with the tier's budget.
/// </summary>
public interface IMonthlyCostEstimator
{
    /// <summary>The estimated monthly cost of <paramref name="configuration"/>, in USD.</summary>
    decimal EstimateMonthlyUsd(AgentConfiguration configuration);
}
