using AgentFactory.Core.Configuration;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Pricing;

/// <summary>Validation and pricing together: the real estimator behind the tier-budget rule.</summary>
public sealed class ConfigurationCostEstimatorTests
{
    private static readonly ConfigurationCostEstimator Aci =
        new(new CostEstimator(), PriceSheetCatalog.BuiltIn, RuntimeProfile.AzureContainerInstances, "eastus");

    private static ConfigurationRules Rules => new(Domain.Templates, Domain.Dependencies, RuntimeProfile.AzureContainerInstances, Aci);

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void Validate_EveryTemplateDefault_PricedWithinItsTierBudget(string templateId)
    {
        AgentConfiguration configuration = Domain.Default(templateId);

        Domain.AssertValid(Rules.Validate(configuration));
        decimal monthly = Aci.EstimateMonthlyUsd(configuration);
        Assert.InRange(monthly, 0.01m, TierLimits.For(configuration.Tier)!.MonthlyBudgetUsd);
    }

    [Fact]
    public void ToCostInputs_512MbOnContainerInstances_BilledAsTheOneGbGroup()
    {
        AgentConfiguration configuration = Domain.Default("tmpl-memory") with
        {
            Resources = new ResourceSelection { CpuCores = 0.5m, MemoryMb = 512, StorageGb = 1 },
            Execution = ExecutionSettings.AlwaysOn,
        };

        CostInputs aci = ConfigurationCostEstimator.ToCostInputs(configuration, RuntimeProfile.AzureContainerInstances, "eastus");
        CostInputs local = ConfigurationCostEstimator.ToCostInputs(configuration, RuntimeProfile.Local(2m, 8192, 50), "eastus");

        Assert.Equal((1m, 0.5m, ExecutionMode.AlwaysOn, "memory"), (aci.MemoryGb, aci.VCpu, aci.Mode, aci.TemplateKind));
        Assert.Equal(0.5m, local.MemoryGb);
        // 1 GB × 730 h × $0.00445 = $3.2485 for memory; 0.5 vCPU × 730 h × $0.0405 = $14.7825 for compute.
        CostEstimate estimate = Aci.Estimate(configuration).Value;
        Assert.Equal(3.2485m, estimate.Subtotals[CostCategory.Memory], 4);
        Assert.Equal(14.7825m, estimate.Subtotals[CostCategory.Compute], 4);
    }

    [Fact]
    public void Validate_StarterOnDemandBusyAllDay_RealEstimateAboveBudget_Reported()
    {
        // 1 vCPU / 2 GB busy 24 h a day ≈ 730 h × ($0.0405 + 2 × $0.00445) ≈ $36 a month: over Starter's $10.
        AgentConfiguration configuration = Domain.Default("tmpl-blank") with
        {
            Tier = Tier.Starter,
            Resources = new ResourceSelection { CpuCores = 1m, MemoryMb = 2048, StorageGb = 1 },
            Execution = ExecutionSettings.OnDemand(1_440, 60),
        };

        Domain.AssertSingle(Rules.Validate(configuration), ValidationCodes.CostAboveTierBudget, "");
    }

    [Fact]
    public void Constructor_RegionWithoutPriceSheet_RefusedNamingTheRegion()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new ConfigurationCostEstimator(new CostEstimator(), PriceSheetCatalog.BuiltIn, RuntimeProfile.AzureContainerInstances, "moon-south"));
        Assert.Contains("moon-south", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_WithSandboxRuns_OneOffCostApart()
    {
        AgentConfiguration configuration = Domain.Default("tmpl-data");

        CostEstimate estimate = Aci.Estimate(configuration, new SandboxPlan(3, TimeSpan.FromMinutes(2))).Value;

        Assert.True(estimate.OneOffTotal > 0m);
        Assert.Equal(Aci.EstimateMonthlyUsd(configuration), estimate.MonthlyTotal);
    }
}
