using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class ClientQueryTests
{
    private static void Register(DurableTaskRegistry r) => r
        .AddOrchestratorFunc<string>("Quick", _ => Task.FromResult("done"))
        .AddOrchestratorFunc<string>("Waiting", ctx => ctx.WaitForExternalEvent<string>("never"))
        .AddOrchestratorFunc<string>("Broken", _ => throw new InvalidOperationException("broken"));

    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_Filters_ReturnOnlyMatchingInstances()
    {
        var clock = new FakeTimeProvider();
        DateTime t0 = clock.GetUtcNow().UtcDateTime;
        await using EngineHost host = await EngineHost.StartAsync(Register, clock: clock);
        // Created at t0, t0+1m, t0+2m, t0+3m.
        await StartAndSettleAsync(host, "Quick", "alpha-1", OrchestrationRuntimeStatus.Completed);
        clock.Advance(TimeSpan.FromMinutes(1));
        await StartAndSettleAsync(host, "Waiting", "alpha-2", OrchestrationRuntimeStatus.Running);
        clock.Advance(TimeSpan.FromMinutes(1));
        await StartAndSettleAsync(host, "Broken", "beta-1", OrchestrationRuntimeStatus.Failed);
        clock.Advance(TimeSpan.FromMinutes(1));
        await StartAndSettleAsync(host, "Quick", "beta-2", OrchestrationRuntimeStatus.Completed);

        Assert.Equal(["alpha-1", "alpha-2", "beta-1", "beta-2"], await IdsAsync(host, new OrchestrationQuery()));
        Assert.Equal(["alpha-1", "beta-2"], await IdsAsync(host, new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed] }));
        Assert.Equal(["alpha-2", "beta-1"], await IdsAsync(host,
            new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Failed] }));
        Assert.Equal(["alpha-2", "beta-1"], await IdsAsync(host,
            new OrchestrationQuery { CreatedFrom = t0.AddMinutes(1), CreatedTo = t0.AddMinutes(3) }));
        Assert.Equal(["beta-1", "beta-2"], await IdsAsync(host, new OrchestrationQuery { InstanceIdPrefix = "beta-" }));
        Assert.Equal(["alpha-1", "beta-2"], await IdsAsync(host, new OrchestrationQuery { Name = "quick" }));
        Assert.Equal(["beta-2"], await IdsAsync(host,
            new OrchestrationQuery { Name = "Quick", InstanceIdPrefix = "beta", Statuses = [OrchestrationRuntimeStatus.Completed] }));
        Assert.Empty(await IdsAsync(host, new OrchestrationQuery { InstanceIdPrefix = "gamma" }));
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_FetchInputsAndOutputs_ControlsPayloads()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        await host.RunAsync("Quick", "input");

        OrchestrationMetadata bare = (await host.Client.QueryInstancesAsync(new OrchestrationQuery())).Instances.Single();
        OrchestrationMetadata full = (await host.Client.QueryInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true })).Instances.Single();

        Assert.Equal((null, null), (bare.SerializedInput, bare.SerializedOutput));
        Assert.Equal(("input", "done"), (full.ReadInputAs<string>(), full.ReadOutputAs<string>()));
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_25InstancesPageSize10_ThreePagesLinkedByContinuationToken()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        string[] ids = [.. Enumerable.Range(0, 25).Select(i => $"paged-{i:D2}")];
        foreach (string id in ids)
        {
            await host.ScheduleAsync("Quick", instanceId: id);
        }

        var pages = new List<OrchestrationQueryResult>();
        string? token = null;
        do
        {
            OrchestrationQueryResult page = await host.Client.QueryInstancesAsync(new OrchestrationQuery { PageSize = 10, ContinuationToken = token });
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(ids, pages.SelectMany(p => p.Instances).Select(i => i.InstanceId).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_InvalidPageSizeOrToken_ThrowsArgumentException()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Client.QueryInstancesAsync(new OrchestrationQuery { PageSize = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.QueryInstancesAsync(new OrchestrationQuery { ContinuationToken = "not a token" }));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetAllInstancesAsync_MoreThanOnePage_EnumeratesEveryMatchingInstance()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        for (int i = 0; i < 25; i++)
        {
            await host.ScheduleAsync("Quick", instanceId: $"all-{i:D2}");
        }

        await host.ScheduleAsync("Quick", instanceId: "other");
        var seen = new List<string>();
        await foreach (OrchestrationMetadata instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "all-", PageSize = 10 }))
        {
            seen.Add(instance.InstanceId);
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"all-{i:D2}"), seen.Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeAllInstancesAsync_StatusAndCreatedFilters_RemoveOnlyMatchingTerminalInstances()
    {
        var clock = new FakeTimeProvider();
        DateTime t0 = clock.GetUtcNow().UtcDateTime;
        await using EngineHost host = await EngineHost.StartAsync(Register, clock: clock);
        await StartAndSettleAsync(host, "Quick", "old-done", OrchestrationRuntimeStatus.Completed);
        await StartAndSettleAsync(host, "Broken", "old-failed", OrchestrationRuntimeStatus.Failed);
        await StartAndSettleAsync(host, "Waiting", "old-running", OrchestrationRuntimeStatus.Running);
        clock.Advance(TimeSpan.FromHours(1));
        await StartAndSettleAsync(host, "Quick", "new-done", OrchestrationRuntimeStatus.Completed);
        await StartAndSettleAsync(host, "Broken", "new-failed", OrchestrationRuntimeStatus.Failed);

        PurgeResult completedOnly = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed]));
        Assert.Equal(2, completedOnly.PurgedInstanceCount);
        Assert.Equal(["new-failed", "old-failed", "old-running"], await IdsAsync(host, new OrchestrationQuery()));

        PurgeResult oldOnes = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(CreatedTo: t0.AddMinutes(30)));
        Assert.Equal(1, oldOnes.PurgedInstanceCount);
        Assert.Equal(["new-failed", "old-running"], await IdsAsync(host, new OrchestrationQuery()));

        PurgeResult everything = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter());
        Assert.Equal(1, everything.PurgedInstanceCount);
        Assert.Equal(["old-running"], await IdsAsync(host, new OrchestrationQuery()));
    }

    private static async Task StartAndSettleAsync(EngineHost host, string name, string id, OrchestrationRuntimeStatus expected)
    {
        await host.ScheduleAsync(name, instanceId: id);
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == expected);
    }

    /// <summary>The ids of every instance matching <paramref name="query"/>, sorted.</summary>
    private static async Task<List<string>> IdsAsync(EngineHost host, OrchestrationQuery query) =>
        [.. (await host.Client.QueryInstancesAsync(query)).Instances.Select(i => i.InstanceId).Order(StringComparer.Ordinal)];
}
