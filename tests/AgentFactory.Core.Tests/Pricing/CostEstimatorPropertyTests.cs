using AgentFactory.Core.Pricing.Estimation;
using CsCheck;

using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class CostEstimatorPropertyTests
{
    private static readonly decimal[] Sizes = [0.5m, 1m, 2m, 4m];
    private static readonly decimal[] StorageSizes = [1m, 5m, 10m, 20m];
    private static readonly string?[] Kinds = [null, "api", "memory", "orchestration", "data", "monitoring", "custom"];

    private static readonly Gen<CostInputs> AnyInputs =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 5_000], Gen.Int[1, 7_200], Gen.Int[0, 1_000], Gen.Bool, Gen.Int[0, 6])
            .Select((v, m, s, tasks, seconds, egress, alwaysOn, kind) => new CostInputs
            {
                Region = "eastus",
                VCpu = Sizes[v],
                MemoryGb = Sizes[m],
                StorageGb = StorageSizes[s],
                Mode = alwaysOn ? ExecutionMode.AlwaysOn : ExecutionMode.OnDemand,
                TasksPerDay = tasks,
                AverageTaskDuration = TimeSpan.FromSeconds(seconds),
                EgressGbPerMonth = egress,
                TemplateKind = Kinds[kind],
            });

    private readonly CostEstimator _estimator = new();

    [Fact]
    public void Estimate_AnyAllowedInputs_TotalIsTheSumOfNonNegativeLines()
    {
        AnyInputs.Sample(inputs =>
        {
            var estimate = _estimator.Estimate(inputs).Value;

            Assert.All(estimate.MonthlyItems, i => Assert.True(i.Amount >= 0m));
            // Summed in another order, decimals may differ in the 28th digit.
            Assert.Equal(Math.Round(estimate.MonthlyTotal, 18), Math.Round(estimate.Subtotals.Values.Sum(), 18));
        });
    }

    [Fact]
    public void Estimate_OneMoreTaskADay_NeverCostsLess()
    {
        AnyInputs.Sample(inputs =>
        {
            var fewer = _estimator.Estimate(inputs).Value.MonthlyTotal;
            var more = _estimator.Estimate(inputs with { TasksPerDay = inputs.TasksPerDay + 1 }).Value.MonthlyTotal;

            Assert.True(more > fewer, $"{inputs}: {fewer} then {more}");
        });
    }

    [Fact]
    public void Estimate_OnDemand_IsBelowAlwaysOnWhileItRunsLessThanAMonth()
    {
        AnyInputs.Where(i => i.Mode == ExecutionMode.OnDemand).Sample(inputs =>
        {
            var runHours = inputs.TasksPerDay * 730m / 24m * Math.Ceiling((decimal)(inputs.AverageTaskDuration + inputs.StartupOverheadPerRun).TotalSeconds) / 3600m;
            var onDemand = _estimator.Estimate(inputs).Value;
            var alwaysOn = _estimator.Estimate(inputs with { Mode = ExecutionMode.AlwaysOn }).Value;

            Assert.Equal(runHours < 730m, onDemand.Subtotals[CostCategory.Compute] < alwaysOn.Subtotals[CostCategory.Compute]);
        });
    }
}
