using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>The review step's monthly estimate of a valid configuration (secrets play no part in it).</summary>
[Durable.DurableTask(AgentCreationActivities.EstimateCost)]
public sealed class EstimateCostActivity(ConfigurationCostEstimator estimator, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<AgentWork, CostEstimateSummary>(events, time)
{
    protected override ProgressTicket TicketOf(AgentWork input) => input.Ticket;

    protected override Task<Published<CostEstimateSummary>> ExecuteAsync(AgentWork input, CancellationToken cancellationToken)
    {
        AgentConfiguration configuration = JsonSerializer.Deserialize<AgentConfiguration>(input.ConfigurationJson, AgentFactoryJson.Options)!;
        PricingResult<CostEstimate> priced = estimator.Estimate(configuration);
        if (!priced.TryGetValue(out CostEstimate estimate))
        {
            throw new InvalidOperationException("The configuration could not be priced: " + string.Join(" ", priced.Errors.Select(e => e.Message)));
        }

        var summary = new CostEstimateSummary
        {
            MonthlyUsd = estimate.RoundedMonthlyTotal,
            MonthlyUsdExact = estimate.MonthlyTotal,
            Currency = estimate.Currency,
            Region = estimate.Region,
            Mode = JsonNamingPolicy.CamelCase.ConvertName(estimate.Mode.ToString()),
            OneOffUsd = Math.Round(estimate.OneOffTotal, 4, MidpointRounding.AwayFromZero),
            Lines = [.. estimate.MonthlyItems.Select(i => new CostLineSummary(JsonNamingPolicy.CamelCase.ConvertName(i.Category.ToString()),
                JsonNamingPolicy.CamelCase.ConvertName(i.Meter.ToString()), i.Description, Math.Round(i.Amount, 4, MidpointRounding.AwayFromZero)))],
            Assumptions = estimate.Assumptions,
            PriceSheetDate = estimate.PriceSheetDate,
        };
        return Task.FromResult(new Published<CostEstimateSummary>(summary, DeploymentEventTypes.CostEstimated,
            $"Estimated {summary.MonthlyUsd} {summary.Currency} a month ({summary.Mode}, {summary.Region})."));
    }
}
