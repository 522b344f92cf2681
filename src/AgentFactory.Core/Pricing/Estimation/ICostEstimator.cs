namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>Estimates an agent's monthly cost; what the configuration step and the review step call.</summary>
public interface ICostEstimator
{
    /// <summary>
    /// The estimate for <paramref name="inputs"/>, or errors (unknown region, out-of-range input)
    /// as a result, never as an exception.
    /// </summary>
    PricingResult<CostEstimate> Estimate(CostInputs inputs);
}
