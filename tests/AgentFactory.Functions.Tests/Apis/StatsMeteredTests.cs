using System.Text.Json;
using AgentFactory.Core.Pricing;
using AgentFactory.Durable;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Apis;

/// <summary>GET /stats's metered part: usage rows priced with the estimator's sheet, projected to a month, and the estimate's error.</summary>
public sealed class StatsMeteredTests(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly PriceSheet Sheet = PriceSheetCatalog.BuiltIn.Find("eastus").Value;

    // 1 vCPU and 2 GB for an hour.
    private static decimal HourlyRate => Sheet[PriceMeter.ContainerVcpu].UnitPrice + 2m * Sheet[PriceMeter.ContainerMemory].UnitPrice;

    /// <summary>A succeeded deployment whose estimate puts <paramref name="containerMonthlyUsd"/> on the container lines (and 0.5 on storage).</summary>
    private async Task<string> DeployedAsync(string tenant, decimal containerMonthlyUsd)
    {
        string id = "dep-" + Guid.NewGuid().ToString("N")[..12];
        var estimate = new CostEstimateSummary
        {
            MonthlyUsd = Math.Round(containerMonthlyUsd + 0.5m, 2),
            MonthlyUsdExact = containerMonthlyUsd + 0.5m,
            Currency = "USD",
            Region = "eastus",
            Mode = "alwaysOn",
            Lines =
            [
                new CostLineSummary("compute", "containerVcpu", "vCPU", containerMonthlyUsd / 3m),
                new CostLineSummary("memory", "containerMemory", "memory", containerMonthlyUsd * 2m / 3m),
                new CostLineSummary("storage", "blobHotStorage", "blobs", 0.5m),
            ],
        };
        await host.Services.GetRequiredService<DeploymentTable>().CreateAsync(new DeploymentRecord
        {
            TenantId = tenant,
            DeploymentId = id,
            AgentName = "a" + id[4..],
            TemplateId = "tmpl-memory",
            TemplateVersion = 1,
            Status = DeploymentStatus.Succeeded,
            MonthlyCostUsd = estimate.MonthlyUsdExact,
            CostEstimateJson = JsonSerializer.Serialize(estimate, DataConverter.DefaultOptions),
            CreatedAt = T0,
            UpdatedAt = T0,
            CompletedAt = T0.AddMinutes(2),
        });
        return id;
    }

    private Task UsedAsync(string tenant, string id, DateTimeOffset from, double runSeconds, DateTimeOffset? stoppedAt, DateTimeOffset? runningSince) =>
        host.Services.GetRequiredService<UsageTable>().TryWriteAsync(new AgentUsage
        {
            TenantId = tenant,
            DeploymentId = id,
            AgentName = "a" + id[4..],
            CpuCores = 1m,
            MemoryGb = 2m,
            MeteredFrom = from,
            RunSeconds = runSeconds,
            LastStoppedAt = stoppedAt,
            RunningSince = runningSince,
            Runs = 1,
        });

    [Fact(Timeout = 30_000)]
    public async Task Stats_MeteredUsage_PricedProjectedAndComparedWithTheEstimate_OnlyOwn()
    {
        string tenant = "tenant-meter-" + Guid.NewGuid().ToString("N")[..6];
        decimal alwaysOnMonth = HourlyRate * 730m;
        // Ran the whole 10 h observed: projected = always on; the estimate said exactly that.
        string exact = await DeployedAsync(tenant, alwaysOnMonth);
        await UsedAsync(tenant, exact, T0, 36_000, T0.AddHours(10), null);
        // Ran 5 of 10 h: projected = half a month; the estimate said 80 % of that.
        string low = await DeployedAsync(tenant, alwaysOnMonth / 2m * 0.8m);
        await UsedAsync(tenant, low, T0, 18_000, T0.AddHours(10), null);
        // Running since its first start an hour ago: projected = always on; the estimate said 5 % more.
        string running = await DeployedAsync(tenant, alwaysOnMonth * 1.05m);
        DateTimeOffset started = DateTimeOffset.UtcNow.AddHours(-1);
        await UsedAsync(tenant, running, started, 0, null, started);
        // Another tenant's agent never shows.
        string foreign = await DeployedAsync("someone-else", 1m);
        await UsedAsync("someone-else", foreign, T0, 3600, T0.AddHours(1), null);

        using JsonDocument stats = JsonDocument.Parse(await host.As(tenant).GetStringAsync("/api/platform/factory/stats"));
        JsonElement metered = stats.RootElement.GetProperty("metered");

        Assert.Equal(3, metered.GetProperty("deployments").GetInt32());
        Assert.Equal("USD", metered.GetProperty("currency").GetString());
        Dictionary<string, JsonElement> rows = metered.GetProperty("byDeployment").EnumerateArray().ToDictionary(r => r.GetProperty("deploymentId").GetString()!);
        Assert.DoesNotContain(foreign, rows.Keys);
        Assert.Equal(0.0, rows[exact].GetProperty("estimateError").GetDouble(), 3);
        Assert.Equal(0.2, rows[low].GetProperty("estimateError").GetDouble(), 3);
        Assert.Equal(0.05, rows[running].GetProperty("estimateError").GetDouble(), 3);
        Assert.True(rows[running].GetProperty("running").GetBoolean());
        Assert.False(rows[exact].GetProperty("running").GetBoolean());
        Assert.Equal((double)(HourlyRate * 10m), (double)rows[exact].GetProperty("meteredUsd").GetDecimal(), 5);
        Assert.Equal((double)alwaysOnMonth, (double)rows[exact].GetProperty("meteredMonthlyUsd").GetDecimal(), 2);
        Assert.Equal((double)(alwaysOnMonth / 2m), (double)rows[low].GetProperty("meteredMonthlyUsd").GetDecimal(), 2);
        Assert.Equal((double)(alwaysOnMonth + 0.5m), (double)rows[exact].GetProperty("estimatedMonthlyUsd").GetDecimal(), 4);

        JsonElement error = metered.GetProperty("estimateError");
        Assert.Equal(3, error.GetProperty("count").GetInt32());
        Assert.Equal(0.0833, error.GetProperty("mean").GetDouble(), 3);
        Assert.Equal(0.2, error.GetProperty("p95").GetDouble(), 3);
        Assert.Equal(0.6667, error.GetProperty("withinTenPercent").GetDouble(), 3);
        Assert.Equal((double)(alwaysOnMonth * 2.5m), (double)metered.GetProperty("meteredMonthlyUsd").GetDecimal(), 1);
        Assert.Equal((double)(alwaysOnMonth * (1m + 0.4m + 1.05m)), (double)metered.GetProperty("estimatedContainerMonthlyUsd").GetDecimal(), 2);
    }
}
