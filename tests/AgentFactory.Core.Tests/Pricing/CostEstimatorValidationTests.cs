using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class CostEstimatorValidationTests
{
    private readonly ICostEstimator _estimator = new CostEstimator();

    [Fact]
    public void Estimate_UnknownRegion_ReturnsAnErrorResultNotAnException()
    {
        var result = _estimator.Estimate(CostInputs.AlwaysOn("westeurope", 0.5m, 1m, 1m));

        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal((PricingErrorCodes.UnknownRegion, "region"), (error.Code, error.Field));
    }

    [Fact]
    public void Estimate_SeveralBadInputs_ReportsEveryOne()
    {
        var inputs = CostInputs.OnDemand("nowhere", 0m, 32m, -1m, -5m, TimeSpan.Zero) with
        {
            EgressGbPerMonth = -1m,
            Sandbox = new SandboxPlan(-1, TimeSpan.FromMinutes(1)),
        };

        var result = _estimator.Estimate(inputs);

        Assert.Equal(
            ["vCpu", "memoryGb", "storageGb", "egressGbPerMonth", "tasksPerDay", "averageTaskDuration", "sandbox", "region"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors.SkipLast(1), e => Assert.Equal(PricingErrorCodes.InvalidInput, e.Code));
    }

    [Theory]
    [InlineData(4.5, 1)]
    [InlineData(1, 16.5)]
    [InlineData(-0.5, 1)]
    public void Estimate_SizeBeyondTheAciLimits_IsInvalid(double vCpu, double memoryGb)
    {
        var result = _estimator.Estimate(CostInputs.AlwaysOn("eastus", (decimal)vCpu, (decimal)memoryGb, 1m));

        Assert.Contains(result.Errors, e => e.Code == PricingErrorCodes.InvalidInput && e.Message.Contains("ACI Linux container group limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_AlwaysOnWithZeroPollInterval_IsInvalid()
    {
        var result = _estimator.Estimate(CostInputs.AlwaysOn("eastus", 1m, 1m, 1m) with { IdlePollInterval = TimeSpan.Zero });

        Assert.Equal("idlePollInterval", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Estimate_NegativeTransactions_IsInvalid()
    {
        var result = _estimator.Estimate(CostInputs.AlwaysOn("eastus", 1m, 1m, 1m) with { Transactions = new TransactionProfile("bad", -1m, 0m, 0m, 0m) });

        Assert.Equal("transactions", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Estimate_OnDemandWithNoTasks_CostsOnlyStorage()
    {
        var result = _estimator.Estimate(CostInputs.OnDemand("eastus", 1m, 1m, 5m, 0m, TimeSpan.FromMinutes(1)));

        Assert.Equal(5m * 0.0208m, result.Value.MonthlyTotal);
    }
}
