using AgentFactory.Functions.Storage;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class DeploymentTableTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private readonly DeploymentTable _deployments = new(fixture.Tables);
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static DeploymentRecord New(string tenant, int minute, DeploymentStatus status = DeploymentStatus.Configuring) => new()
    {
        TenantId = tenant,
        DeploymentId = Guid.NewGuid().ToString(),
        AgentName = "agent-" + minute,
        TemplateId = "memory-agent",
        TemplateVersion = 2,
        Status = status,
        Progress = 5,
        Step = "configure",
        ConfigurationJson = """{"name":"agent","resources":{"cpuCores":1}}""",
        MonthlyCostUsd = 1.2345m,
        CostEstimateJson = """{"monthlyTotalUsd":1.2345}""",
        InstanceId = "orch-" + minute,
        CreatedAt = T0.AddMinutes(minute),
        UpdatedAt = T0.AddMinutes(minute),
    };

    private static string NewTenant() => "tenant-" + Guid.NewGuid().ToString("N")[..8];

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_ThenGetAsync_RoundTripsEveryField()
    {
        DeploymentRecord created = await _deployments.CreateAsync(New(NewTenant(), 1));

        DeploymentRecord read = (await _deployments.GetAsync(created.TenantId, created.DeploymentId))!;

        Assert.Equal(created with { ETag = default }, read with { ETag = default });
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal(1.2345m, read.MonthlyCostUsd);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_ConfigurationLargerThanOneProperty_IsSplitAndReassembled()
    {
        string big = "{\"x\":\"" + new string('é', 100_000) + "\"}";
        DeploymentRecord created = await _deployments.CreateAsync(New(NewTenant(), 1) with { ConfigurationJson = big });

        Assert.Equal(big, (await _deployments.GetAsync(created.TenantId, created.DeploymentId))!.ConfigurationJson);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_SameIdTwice_Conflict()
    {
        DeploymentRecord created = await _deployments.CreateAsync(New(NewTenant(), 1));

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _deployments.CreateAsync(created));
        Assert.Equal(409, ex.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetAsync_Unknown_Null() =>
        Assert.Null(await _deployments.GetAsync(NewTenant(), Guid.NewGuid().ToString()));

    [Fact(Timeout = 30_000)]
    public async Task UpdateAsync_StaleRecord_PreconditionFailed_AndNothingChanges()
    {
        DeploymentRecord v1 = await _deployments.CreateAsync(New(NewTenant(), 1));
        DeploymentRecord v2 = await _deployments.UpdateAsync(v1, v1 with { Progress = 40, Status = DeploymentStatus.Testing });

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(
            () => _deployments.UpdateAsync(v1, v1 with { Status = DeploymentStatus.Failed, Error = "late writer" }));

        Assert.Equal(412, ex.Status);
        DeploymentRecord stored = (await _deployments.GetAsync(v1.TenantId, v1.DeploymentId))!;
        Assert.Equal((DeploymentStatus.Testing, 40, null), (stored.Status, stored.Progress, stored.Error));
        Assert.Equal(v2.ETag, stored.ETag);
        Assert.Empty((await _deployments.ListAsync(v1.TenantId, DeploymentStatus.Failed)).Items);
    }

    [Fact(Timeout = 30_000)]
    public async Task UpdateAsync_StatusChange_MovesTheDeploymentBetweenStatusListings()
    {
        string tenant = NewTenant();
        DeploymentRecord v1 = await _deployments.CreateAsync(New(tenant, 1));
        Assert.Single((await _deployments.ListAsync(tenant, DeploymentStatus.Configuring)).Items);

        await _deployments.UpdateAsync(v1, v1 with { Status = DeploymentStatus.Succeeded, Progress = 100, CompletedAt = T0.AddMinutes(4) });

        Assert.Empty((await _deployments.ListAsync(tenant, DeploymentStatus.Configuring)).Items);
        DeploymentSummary done = Assert.Single((await _deployments.ListAsync(tenant, DeploymentStatus.Succeeded)).Items);
        Assert.Equal((v1.DeploymentId, 100, T0.AddMinutes(4)), (done.DeploymentId, done.Progress, done.CompletedAt));
        DeploymentSummary any = Assert.Single((await _deployments.ListAsync(tenant)).Items);
        Assert.Equal(DeploymentStatus.Succeeded, any.Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task ListAsync_ByStatus_NewestFirst_PagedWithContinuation()
    {
        string tenant = NewTenant();
        foreach (int minute in new[] { 3, 1, 7, 5, 2, 6, 4 })
        {
            await _deployments.CreateAsync(New(tenant, minute, minute % 2 == 1 ? DeploymentStatus.Provisioning : DeploymentStatus.Failed));
        }

        var names = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            DeploymentPage page = await _deployments.ListAsync(tenant, DeploymentStatus.Provisioning, pageSize: 3, continuationToken: token);
            Assert.InRange(page.Items.Count, 1, 3);
            names.AddRange(page.Items.Select(i => i.AgentName));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["agent-7", "agent-5", "agent-3", "agent-1"], names);
        Assert.Equal(2, pages);
        Assert.Equal(["agent-7", "agent-6", "agent-5", "agent-4", "agent-3", "agent-2", "agent-1"],
            (await _deployments.ListAsync(tenant, pageSize: 50)).Items.Select(i => i.AgentName));
        Assert.Empty((await _deployments.ListAsync(NewTenant())).Items);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListAsync_TenantsNeverSeeEachOther()
    {
        string a = NewTenant(), b = NewTenant();
        await _deployments.CreateAsync(New(a, 1));
        await _deployments.CreateAsync(New(b, 2));

        Assert.Equal("agent-1", Assert.Single((await _deployments.ListAsync(a)).Items).AgentName);
        string idOfB = Assert.Single((await _deployments.ListAsync(b)).Items).DeploymentId;
        Assert.Null(await _deployments.GetAsync(a, idOfB));
        Assert.NotNull(await _deployments.GetAsync(b, idOfB));
    }
}
