using System.Globalization;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Pricing;

/// <summary>
/// Prices an agent configuration: maps it onto <see cref="CostInputs"/> for one region and one target runtime,
/// and is the <see cref="IMonthlyCostEstimator"/> that validation's budget rule calls.
/// </summary>
public sealed class ConfigurationCostEstimator : IMonthlyCostEstimator
{
    private readonly ICostEstimator _estimator;
    private readonly RuntimeProfile _runtime;
    private readonly string _region;

    /// <summary>Creates the estimator; throws when <paramref name="catalog"/> has no sheet for <paramref name="region"/> (a configuration error of the app).</summary>
    public ConfigurationCostEstimator(ICostEstimator estimator, PriceSheetCatalog catalog, RuntimeProfile runtime, string region)
    {
        PricingResult<PriceSheet> sheet = catalog.Find(region);
        if (!sheet.IsSuccess)
        {
            throw new ArgumentException(string.Join(" ", sheet.Errors.Select(e => e.Message)), nameof(region));
        }

        _estimator = estimator;
        _runtime = runtime;
        _region = sheet.Value.Region;
    }

    /// <summary>
    /// The inputs for <paramref name="configuration"/>. Memory is billed as provisioned on the runtime (Container
    /// Instances gives a 512 MB agent a 1 GB group: docs/DOMAIN.md), the transaction profile follows the template kind.
    /// </summary>
    public static CostInputs ToCostInputs(AgentConfiguration configuration, RuntimeProfile runtime, string region, SandboxPlan? sandbox = null) => new()
    {
        Region = region,
        VCpu = configuration.Resources.CpuCores,
        MemoryGb = runtime.ProvisionedMemoryMb(configuration.Resources.MemoryMb) / 1024m,
        StorageGb = configuration.Resources.StorageGb,
        Mode = configuration.Execution.Mode,
        TasksPerDay = configuration.Execution.ExpectedTasksPerDay ?? 0,
        AverageTaskDuration = TimeSpan.FromSeconds(configuration.Execution.AverageTaskDurationSeconds ?? 0),
        TemplateKind = configuration.Settings.Category.ToString().ToLower(CultureInfo.InvariantCulture),
        Sandbox = sandbox ?? SandboxPlan.None,
    };

    /// <summary>The full estimate (line items, one-off sandbox cost, assumptions) of a configuration.</summary>
    public PricingResult<CostEstimate> Estimate(AgentConfiguration configuration, SandboxPlan? sandbox = null) =>
        _estimator.Estimate(ToCostInputs(configuration, _runtime, _region, sandbox));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The configuration could not be priced; validation only asks for valid ones.</exception>
    public decimal EstimateMonthlyUsd(AgentConfiguration configuration)
    {
        PricingResult<CostEstimate> estimate = Estimate(configuration);
        return estimate.IsSuccess
            ? estimate.Value.MonthlyTotal
            : throw new InvalidOperationException("A validated configuration could not be priced: " + string.Join(" ", estimate.Errors.Select(e => e.Message)));
    }
}
