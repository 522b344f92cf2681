using System.Text.Json;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Apis;

public sealed class StatsApiTests(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static DeploymentRecord Deployment(string tenant, string template, DeploymentStatus status, double minutes, decimal cost) => new()
    {
        TenantId = tenant,
        DeploymentId = Guid.NewGuid().ToString(),
        AgentName = "a" + Guid.NewGuid().ToString("N")[..6],
        TemplateId = template,
        Status = status,
        MonthlyCostUsd = cost,
        CreatedAt = T0,
        UpdatedAt = T0,
        CompletedAt = status == DeploymentStatus.Configuring ? null : T0.AddMinutes(minutes),
    };

    [Fact(Timeout = 30_000)]
    public async Task Stats_TenantDeployments_ShareSuccessRatePercentilesAndCost_OnlyOwn()
    {
        string tenant = "tenant-stats-" + Guid.NewGuid().ToString("N")[..6];
        DeploymentTable table = host.Services.GetRequiredService<DeploymentTable>();
        DeploymentRecord[] records =
        [
            Deployment(tenant, "tmpl-memory", DeploymentStatus.Succeeded, 1, 1.5m),
            Deployment(tenant, "tmpl-memory", DeploymentStatus.Succeeded, 3, 1.5m),
            Deployment(tenant, "tmpl-data", DeploymentStatus.Succeeded, 2, 10m),
            Deployment(tenant, "tmpl-api", DeploymentStatus.Failed, 1, 0.5m),
            Deployment(tenant, "tmpl-blank", DeploymentStatus.Configuring, 0, 0.4m),
            Deployment("someone-else", "tmpl-blank", DeploymentStatus.Succeeded, 9, 99m),
        ];
        foreach (DeploymentRecord record in records)
        {
            await table.CreateAsync(record);
        }

        using JsonDocument stats = JsonDocument.Parse(await host.As(tenant).GetStringAsync("/api/platform/factory/stats"));
        JsonElement s = stats.RootElement;

        Assert.Equal(5, s.GetProperty("deployments").GetInt32());
        Assert.Equal(0.8, s.GetProperty("fromTemplatesShare").GetDouble());
        Assert.Equal(0.75, s.GetProperty("successRate").GetDouble());
        Assert.Equal(2, s.GetProperty("byTemplate").GetProperty("tmpl-memory").GetProperty("count").GetInt32());
        Assert.Equal(2.0, s.GetProperty("minutesToRunningAgent").GetProperty("p50").GetDouble());
        Assert.Equal(3.0, s.GetProperty("minutesToRunningAgent").GetProperty("p95").GetDouble());
        Assert.Equal(13m, s.GetProperty("estimatedMonthlyUsdOfSucceeded").GetDecimal());
    }
}
