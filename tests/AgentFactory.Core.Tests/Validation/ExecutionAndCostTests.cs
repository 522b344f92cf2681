using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class ExecutionAndCostTests
{
    private static ValidationResult Validate(Tier tier, ExecutionSettings execution, decimal cost = 1m) =>
        Domain.Rules(cost).Validate(Domain.Default("tmpl-monitoring") with { Tier = tier, Execution = execution });

    [Fact]
    public void Validate_AlwaysOnOnStarter_ReportsModeNotAllowed()
    {
        Domain.AssertSingle(Validate(Tier.Starter, ExecutionSettings.AlwaysOn), ValidationCodes.ExecutionModeNotAllowedForTier, "/execution/mode");
        Domain.AssertValid(Validate(Tier.Professional, ExecutionSettings.AlwaysOn));
    }

    [Theory]
    [InlineData(0, 5.0, ValidationCodes.ExecutionTasksPerDayRange, "/execution/expectedTasksPerDay")]
    [InlineData(1_000_001, 5.0, ValidationCodes.ExecutionTasksPerDayRange, "/execution/expectedTasksPerDay")]
    [InlineData(100, 0.0, ValidationCodes.ExecutionDurationRange, "/execution/averageTaskDurationSeconds")]
    [InlineData(100, 3600.5, ValidationCodes.ExecutionDurationRange, "/execution/averageTaskDurationSeconds")]
    [InlineData(100, double.NaN, ValidationCodes.ExecutionDurationRange, "/execution/averageTaskDurationSeconds")]
    public void Validate_OnDemandLoadOutOfRange_Reported(int tasks, double seconds, string code, string pointer)
    {
        Domain.AssertSingle(Validate(Tier.Starter, ExecutionSettings.OnDemand(tasks, seconds)), code, pointer);
    }

    [Fact]
    public void Validate_OnDemandWithoutLoad_ReportsRequired()
    {
        var result = Validate(Tier.Starter, new ExecutionSettings { Mode = ExecutionMode.OnDemand });

        Assert.Equal(["/execution/expectedTasksPerDay", "/execution/averageTaskDurationSeconds"], result.Problems.Select(p => p.Pointer));
        Assert.All(result.Problems, p => Assert.Equal(ValidationCodes.Required, p.Code));
    }

    [Fact]
    public void Validate_CostAboveTierBudget_Reported()
    {
        var problem = Domain.AssertSingle(Validate(Tier.Starter, ExecutionSettings.OnDemand(100, 5), cost: 10.01m), ValidationCodes.CostAboveTierBudget, "");

        Assert.Contains("$10.01", problem.Message, StringComparison.Ordinal);
        Assert.Contains("$10.00", problem.Message, StringComparison.Ordinal);
        Domain.AssertValid(Validate(Tier.Starter, ExecutionSettings.OnDemand(100, 5), cost: 10m));
    }

    [Fact]
    public void Validate_PricedFieldInvalid_DoesNotAskPricing()
    {
        var estimator = new FixedCostEstimator(1_000_000m);
        var rules = new ConfigurationRules(Domain.Templates, Domain.Dependencies, RuntimeProfile.AzureContainerInstances, estimator);
        var configuration = Domain.Default("tmpl-monitoring") with { Resources = new ResourceSelection { CpuCores = 3, MemoryMb = 512, StorageGb = 1 } };

        Domain.AssertSingle(rules.Validate(configuration), ValidationCodes.CpuNotAllowed);
        Assert.Equal(0, estimator.Calls);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(1000.5)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_RateLimitOutOfRange_Reported(double rate)
    {
        var configuration = Domain.Default("tmpl-blank");

        var result = Domain.Rules().Validate(configuration with { Advanced = configuration.Advanced with { RateLimitPerSecond = rate } });

        Domain.AssertSingle(result, ValidationCodes.RateLimitRange, "/advanced/rateLimitPerSecond");
    }

    [Fact]
    public void TierLimits_GrowWithTheTier()
    {
        var tiers = new[] { TierLimits.Starter, TierLimits.Professional, TierLimits.Enterprise };

        Assert.Equal(tiers, Enum.GetValues<Tier>().Select(t => TierLimits.For(t)));
        for (var i = 1; i < tiers.Length; i++)
        {
            Assert.True(tiers[i].MaxCpuCores >= tiers[i - 1].MaxCpuCores && tiers[i].MaxMemoryMb >= tiers[i - 1].MaxMemoryMb);
            Assert.True(tiers[i].MaxEnvironmentVariables > tiers[i - 1].MaxEnvironmentVariables && tiers[i].MonthlyBudgetUsd > tiers[i - 1].MonthlyBudgetUsd);
        }
    }
}
