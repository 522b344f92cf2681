using System.Text.Json;
using AgentFactory.Core.Pricing;
using AgentFactory.Durable;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// The metered part of <c>GET /stats</c>: per deployed agent and in total, the estimated monthly cost, what its
/// container's metered usage cost so far, that projected to a month, and how far the estimate was from the projection.
/// Metered: container vCPU and memory time (ACI bills allocation per second while the group runs), from the runtime's
/// run start and stop times. Not metered: storage capacity, storage transactions and egress (the agent's own requests
/// to its queue, blobs and table are not counted here) — the accuracy therefore compares the estimate's container
/// lines (meters containerVcpu and containerMemory) with the metered container cost.
/// </summary>
public static partial class StatsApi
{
    /// <summary>Deployments whose estimate is read for the comparison (one point read each).</summary>
    private const int MaxMetered = 1000;

    private static readonly string[] ContainerMeters = ["containerVcpu", "containerMemory"];

    private static async Task<object?> MeteredAsync(HttpContext context, string tenant, DeploymentTable deployments, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<UsageTable>() is not { } usageTable)
        {
            return null;
        }

        string region = context.RequestServices.GetRequiredService<IOptions<AgentCreationOptions>>().Value.Region;
        PriceSheet sheet = PriceSheetCatalog.BuiltIn.Find(region).Value;
        DateTimeOffset now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        IReadOnlyList<AgentUsage> usages = await usageTable.ListAsync(tenant, cancellationToken);
        var rows = new List<MeteredDeployment>();
        foreach (AgentUsage usage in usages.Take(MaxMetered))
        {
            DeploymentRecord? record = await deployments.GetAsync(tenant, usage.DeploymentId, cancellationToken);
            CostEstimateSummary? estimate = record?.CostEstimateJson is { } json ? JsonSerializer.Deserialize<CostEstimateSummary>(json, DataConverter.DefaultOptions) : null;
            decimal? estimatedContainer = estimate?.Lines.Where(l => ContainerMeters.Contains(l.Meter)).Sum(l => l.AmountUsd);
            UsageCost cost = UsageCost.Of(usage, sheet, now);
            double? accuracy = estimatedContainer is { } e && cost.MonthlyUsd is { } p && p > 0 ? Math.Round((double)(Math.Abs(e - p) / p), 4) : null;
            rows.Add(new MeteredDeployment(usage.DeploymentId, usage.AgentName, record?.Status.ToString(), usage.CpuCores, usage.MemoryGb, usage.RunningSince is not null,
                cost.RunningSeconds, cost.ObservedSeconds, record?.MonthlyCostUsd, estimatedContainer, cost.MeteredUsd, cost.MonthlyUsd, accuracy));
        }

        double[] accuracies = [.. rows.Where(r => r.EstimateError is not null).Select(r => r.EstimateError!.Value).Order()];
        return new
        {
            currency = sheet.Currency,
            region = sheet.Region,
            priceSheetDate = sheet.EffectiveDate,
            metered = "container vCPU-seconds and GB-seconds while running (the runtime's start and stop times × the allocation ACI bills)",
            notMetered = "storage capacity, storage transactions and egress: in the estimate only",
            deployments = rows.Count,
            estimatedMonthlyUsd = rows.Sum(r => r.EstimatedMonthlyUsd ?? 0m),
            estimatedContainerMonthlyUsd = rows.Sum(r => r.EstimatedContainerMonthlyUsd ?? 0m),
            meteredUsdSoFar = rows.Sum(r => r.MeteredUsd),
            meteredMonthlyUsd = rows.Sum(r => r.MeteredMonthlyUsd ?? 0m),
            estimateError = new
            {
                definition = "|estimated container cost − metered container cost projected to a month| / projected",
                mean = accuracies.Length == 0 ? (double?)null : Math.Round(accuracies.Average(), 4),
                p95 = Percentile(accuracies, 0.95),
                count = accuracies.Length,
                withinTenPercent = Share(accuracies.Count(a => a <= 0.10), accuracies.Length),
            },
            byDeployment = rows,
        };
    }

    /// <summary>One deployed agent's metered figures.</summary>
    private sealed record MeteredDeployment(string DeploymentId, string AgentName, string? Status, decimal CpuCores, decimal MemoryGb, bool Running,
        double RunningSeconds, double ObservedSeconds, decimal? EstimatedMonthlyUsd, decimal? EstimatedContainerMonthlyUsd, decimal MeteredUsd,
        decimal? MeteredMonthlyUsd, double? EstimateError);
}
