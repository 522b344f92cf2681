using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// <c>GET /stats</c>: the brief's success criteria for the caller's tenant — template usage share (the brief wants
/// 90 % from templates, not blank), success rate, p50/p95 time from creation to a running agent with its first
/// successful task, the estimated monthly cost of what was deployed, and what its metered usage costs (<c>metered</c>).
/// </summary>
public static partial class StatsApi
{
    // A tenant's deployments are read page by page; the figures say how many were read.
    private const int MaxDeployments = 10_000;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(FactoryHttp.Prefix + "/stats", GetAsync).RequireAuthorization("Factory").WithTags("Stats").WithName("FactoryStats");
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, DeploymentTable deployments, CancellationToken cancellationToken)
    {
        string tenant = FactoryHttp.TenantOf(context.User);
        var all = new List<DeploymentSummary>();
        string? token = null;
        do
        {
            DeploymentPage page = await deployments.ListAsync(tenant, pageSize: 1000, continuationToken: token, cancellationToken: cancellationToken);
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null && all.Count < MaxDeployments);

        return FactoryHttp.Json(Compute(all, await MeteredAsync(context, tenant, deployments, cancellationToken)));
    }

    internal static object Compute(IReadOnlyList<DeploymentSummary> all, object? metered = null)
    {
        // A deleted agent was a successful creation; a terminated one was not.
        var succeeded = all.Where(d => d.Status is DeploymentStatus.Succeeded or DeploymentStatus.Deleting or DeploymentStatus.Deleted).ToList();
        var finished = all.Where(d => d.Status is DeploymentStatus.Succeeded or DeploymentStatus.Failed or DeploymentStatus.Cancelled or DeploymentStatus.Expired
            or DeploymentStatus.Terminating or DeploymentStatus.Terminated or DeploymentStatus.Deleting or DeploymentStatus.Deleted).ToList();
        double[] minutes = [.. succeeded.Where(d => d.CompletedAt is not null).Select(d => (d.CompletedAt!.Value - d.CreatedAt).TotalMinutes).Order()];
        return new
        {
            deployments = all.Count,
            byTemplate = all.GroupBy(d => d.TemplateId).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new { count = g.Count(), share = Share(g.Count(), all.Count) }),
            fromTemplatesShare = Share(all.Count(d => d.TemplateId != "tmpl-blank"), all.Count),
            successRate = Share(succeeded.Count, finished.Count),
            finished = finished.Count,
            byStatus = all.GroupBy(d => d.Status).ToDictionary(g => g.Key.ToString(), g => g.Count()),
            minutesToRunningAgent = new { p50 = Percentile(minutes, 0.50), p95 = Percentile(minutes, 0.95), count = minutes.Length },
            estimatedMonthlyUsdOfSucceeded = all.Where(d => d.Status == DeploymentStatus.Succeeded).Sum(d => d.MonthlyCostUsd ?? 0m),
            // Metered container cost per deployed agent, projected to a month, and the estimate's error (StatsApi.Metered.cs).
            metered,
        };
    }

    private static double? Share(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    // Nearest-rank percentile over sorted values.
    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 3);
}
