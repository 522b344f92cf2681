using AgentFactory.Core.Pricing.Estimation;

namespace AgentFactory.Core.Tests.Pricing;

// When is "< $2/month per agent" reachable? Only on demand, and only up to a number of tasks a day
// that depends on size and task length. Always on never is: the smallest group costs $16.41 a month.
public sealed class CostBudgetTests
{
    private static readonly decimal[] AllowedVCpu = [0.5m, 1m, 2m, 4m];
    private static readonly decimal[] AllowedMemoryGb = [0.5m, 1m, 2m, 4m];
    private static readonly decimal[] AllowedStorageGb = [1m, 5m, 10m, 20m];

    private readonly ICostEstimator _estimator = new CostEstimator();

    [Fact]
    public void MaxTasksPerDay_HalfVcpuOneGbOneMinuteTasks_Is104()
    {
        // Fixed: 1 GB blob = $0.0208.
        // Per run: 90 s × (0.5 × $0.0405 + 1 × $0.00445)/3600 = 90 × $0.000006861 = $0.0006175
        //          + 3 × $0.0000004 + 4 × $0.000000036 + $0.000005 + $0.0000004 = $0.000006744 transactions
        // Per task a day: 30.41667 × $0.00062424 = $0.0189874 a month.
        // ($2 − $0.0208) / $0.0189874 = 104.24 → 104 tasks a day ($1.9955); 105 would be $2.0145.
        var budget = _estimator.MaxTasksPerDay(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 0m, TimeSpan.FromMinutes(1)), 2m).Value;

        Assert.True(budget.Reachable);
        Assert.Equal(104, budget.MaxTasksPerDay);
        CostAssert.WithinOnePercent(0.0208m, budget.FixedMonthlyCost);
        CostAssert.WithinOnePercent(0.0189874m, budget.CostPerDailyTask);
        CostAssert.WithinOnePercent(1.995492m, budget.EstimateAtMax!.MonthlyTotal);
    }

    // Hand figures (fixed storage + per daily task, as in the case above):
    //   0.5/0.5, 5 s checks, monitoring: $0.0208 + n × $0.0068370 → 289 ($1.9967); 290 = $2.0035
    //   1/2, 1 min:                      $0.104  + n × $0.0377697 → 50  ($1.9925); 51  = $2.0303
    //   1/2, 5 min:                      $0.104  + n × $0.1379419 → 13  ($1.8972); 14  = $2.0352
    //   4/4, 10 min, 20 GB:              $0.416  + n × $0.9572655 → 1   ($1.3733); 2   = $2.3305
    [Theory]
    [InlineData(0.5, 0.5, 1, 5, "monitoring", 289)]
    [InlineData(1, 2, 5, 60, null, 50)]
    [InlineData(1, 2, 5, 300, null, 13)]
    [InlineData(4, 4, 20, 600, null, 1)]
    public void MaxTasksPerDay_OnDemand_MatchesHandFigure(double vCpu, double memoryGb, double storageGb, int taskSeconds, string? kind, long expected)
    {
        var inputs = CostInputs.OnDemand("eastus", (decimal)vCpu, (decimal)memoryGb, (decimal)storageGb, 0m, TimeSpan.FromSeconds(taskSeconds)) with { TemplateKind = kind };

        var budget = _estimator.MaxTasksPerDay(inputs, 2m).Value;

        Assert.Equal(expected, budget.MaxTasksPerDay);
        Assert.True(_estimator.Estimate(inputs with { TasksPerDay = expected }).Value.IsUnder(2m));
        Assert.False(_estimator.Estimate(inputs with { TasksPerDay = expected + 1 }).Value.IsUnder(2m));
    }

    [Fact]
    public void MaxTasksPerDay_AlwaysOn_IsNotReachable()
    {
        var budget = _estimator.MaxTasksPerDay(CostInputs.AlwaysOn("eastus", 0.5m, 0.5m, 1m), 2m).Value;

        Assert.False(budget.Reachable);
        Assert.Null(budget.MaxTasksPerDay);
        Assert.True(budget.FixedMonthlyCost > 16m);
    }

    [Fact]
    public void MaxTasksPerDay_BadInputs_ReturnsTheErrors()
    {
        var result = _estimator.MaxTasksPerDay(CostInputs.OnDemand("nowhere", 1m, 1m, 1m, 0m, TimeSpan.FromMinutes(1)), 2m);

        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void Estimate_AlwaysOnAtAnyAllowedSize_IsNeverUnderTwoDollars()
    {
        // The smallest always-on group: 0.5 × 730 × $0.0405 + 0.5 × 730 × $0.00445 = $16.40675, before storage.
        foreach (var region in new[] { "eastus", "swedencentral" })
        {
            foreach (var vCpu in AllowedVCpu)
            {
                foreach (var memoryGb in AllowedMemoryGb)
                {
                    foreach (var storageGb in AllowedStorageGb)
                    {
                        var estimate = _estimator.Estimate(CostInputs.AlwaysOn(region, vCpu, memoryGb, storageGb)).Value;

                        Assert.False(estimate.IsUnder(2m), $"{region} {vCpu} vCPU / {memoryGb} GB / {storageGb} GB: {estimate.MonthlyTotal}");
                        Assert.True(estimate.MonthlyTotal >= 16.40675m);
                    }
                }
            }
        }
    }

    [Fact]
    public void Estimate_OnDemandAtAnyAllowedSize_IsUnderTwoDollarsForAFewShortTasks()
    {
        // Even 4 vCPU / 4 GB / 20 GB: 1 task a day of 1 min → 30.42 × 90 s × (4 × $0.0405 + 4 × $0.00445)/3600
        // = $0.1368 + $0.416 storage + transactions ≈ $0.55.
        foreach (var vCpu in AllowedVCpu)
        {
            foreach (var memoryGb in AllowedMemoryGb)
            {
                foreach (var storageGb in AllowedStorageGb)
                {
                    var estimate = _estimator.Estimate(CostInputs.OnDemand("eastus", vCpu, memoryGb, storageGb, 1m, TimeSpan.FromMinutes(1))).Value;

                    Assert.True(estimate.IsUnder(2m), $"{vCpu} vCPU / {memoryGb} GB / {storageGb} GB: {estimate.MonthlyTotal}");
                }
            }
        }
    }
}
