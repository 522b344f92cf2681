using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Provisioning;

namespace AgentFactory.Functions.Tests.Monitoring;

public sealed class MonitoringTableTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private readonly MonitoringTable _table = fixture.Monitoring;

    private static HealthCheck Check(string tenant, string deployment = "dep-1") => new(tenant, "agent-a", deployment, "agent-a-0123456789abcdef", false);

    private static readonly AlertRule Rule = new(3, AlertDestinationKind.Queue, "agent-alerts");

    [Fact(Timeout = 30_000)]
    public async Task RegisterAsync_Twice_SecondFindsBothAndKeepsTheCounters()
    {
        string tenant = ProvisioningFixture.NewTenant();
        Assert.Equal((ResourceChange.Created, ResourceChange.Created), await _table.RegisterAsync(Check(tenant), Rule));
        HealthCheckState counted = (await _table.TryUpdateAsync((await _table.GetAsync(tenant, "agent-a"))! with { ConsecutiveFailures = 2 }))!;

        Assert.Equal((ResourceChange.Existed, ResourceChange.Existed), await _table.RegisterAsync(Check(tenant), Rule));

        HealthCheckState stored = (await _table.GetAsync(tenant, "agent-a"))!;
        Assert.Equal((2, counted.ETag), (stored.ConsecutiveFailures, stored.ETag));
        Assert.Equal(Rule, await _table.GetRuleAsync(tenant, "agent-a"));
    }

    [Fact(Timeout = 30_000)]
    public async Task RegisterAsync_AnotherDeploymentAndRule_ReplacesBothAndCountsAfresh()
    {
        string tenant = ProvisioningFixture.NewTenant();
        await _table.RegisterAsync(Check(tenant), Rule);
        await _table.TryUpdateAsync((await _table.GetAsync(tenant, "agent-a"))! with { ConsecutiveFailures = 4, Alerted = true });
        var webhook = new AlertRule(2, AlertDestinationKind.Webhook, "https://hooks.example.test/a");

        Assert.Equal((ResourceChange.Updated, ResourceChange.Updated), await _table.RegisterAsync(Check(tenant, "dep-2"), webhook));

        HealthCheckState stored = (await _table.GetAsync(tenant, "agent-a"))!;
        Assert.Equal((Check(tenant, "dep-2"), 0, false), (stored.Check, stored.ConsecutiveFailures, stored.Alerted));
        Assert.Equal(webhook, await _table.GetRuleAsync(tenant, "agent-a"));
    }

    [Fact(Timeout = 30_000)]
    public async Task TryUpdateAsync_StaleETag_NullAndNothingChanges()
    {
        string tenant = ProvisioningFixture.NewTenant();
        await _table.RegisterAsync(Check(tenant), Rule);
        HealthCheckState read = (await _table.GetAsync(tenant, "agent-a"))!;
        await _table.TryUpdateAsync(read with { ConsecutiveFailures = 1 });

        Assert.Null(await _table.TryUpdateAsync(read with { ConsecutiveFailures = 9 }));
        Assert.Equal(1, (await _table.GetAsync(tenant, "agent-a"))!.ConsecutiveFailures);
    }

    [Fact(Timeout = 30_000)]
    public async Task UnregisterAsync_Twice_DeletedThenAbsentAndAnUpdateAfterIsNull()
    {
        string tenant = ProvisioningFixture.NewTenant();
        await _table.RegisterAsync(Check(tenant), Rule);
        HealthCheckState read = (await _table.GetAsync(tenant, "agent-a"))!;

        Assert.Equal((ResourceChange.Deleted, ResourceChange.Deleted), await _table.UnregisterAsync(tenant, "agent-a"));
        Assert.Equal((ResourceChange.Absent, ResourceChange.Absent), await _table.UnregisterAsync(tenant, "agent-a"));
        Assert.Null(await _table.TryUpdateAsync(read with { ConsecutiveFailures = 1 }));
        Assert.Null(await _table.GetAsync(tenant, "agent-a"));
    }
}
