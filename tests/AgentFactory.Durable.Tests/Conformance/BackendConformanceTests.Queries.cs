using AgentFactory.Durable.Backend;

namespace AgentFactory.Durable.Tests.Conformance;

/// <summary>Queries, paging and purges.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_Filters_ReturnOnlyMatchingInstances()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "alpha-1", "Quick", T0, "\"a1\"");
        await CreateAsync(backend, "alpha-2", "Slow", T0.AddMinutes(1));
        await CreateAsync(backend, "beta-1", "Slow", T0.AddMinutes(2));
        await CreateAsync(backend, "beta-2", "Quick", T0.AddMinutes(3));
        await SettleAsync(backend, new()
        {
            ["alpha-1"] = OrchestrationRuntimeStatus.Completed,
            ["alpha-2"] = OrchestrationRuntimeStatus.Running,
            ["beta-1"] = OrchestrationRuntimeStatus.Failed,
            ["beta-2"] = OrchestrationRuntimeStatus.Completed,
        });

        Assert.Equal(["alpha-1", "alpha-2", "beta-1", "beta-2"], await QueryIdsAsync(backend, new OrchestrationQuery()));
        Assert.Equal(["alpha-1", "beta-2"], await QueryIdsAsync(backend, new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed] }));
        Assert.Equal(["alpha-2", "beta-1"], await QueryIdsAsync(backend,
            new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Failed] }));
        // CreatedFrom is inclusive, CreatedTo exclusive.
        Assert.Equal(["alpha-2", "beta-1"], await QueryIdsAsync(backend, new OrchestrationQuery { CreatedFrom = T0.AddMinutes(1), CreatedTo = T0.AddMinutes(3) }));
        Assert.Equal(["beta-1", "beta-2"], await QueryIdsAsync(backend, new OrchestrationQuery { InstanceIdPrefix = "beta" }));
        Assert.Equal(["alpha-1", "beta-2"], await QueryIdsAsync(backend, new OrchestrationQuery { Name = "QUICK" }));
        Assert.Empty(await QueryIdsAsync(backend, new OrchestrationQuery { InstanceIdPrefix = "gamma" }));

        OrchestrationMetadata bare = (await backend.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "alpha-1" })).Instances.Single();
        OrchestrationMetadata full = (await backend.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "alpha-1", FetchInputsAndOutputs = true })).Instances.Single();
        Assert.Equal((OrchestrationRuntimeStatus.Completed, null), (bare.RuntimeStatus, bare.SerializedInput));
        Assert.Equal("\"a1\"", full.SerializedInput);
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryInstancesAsync_25InstancesPageSize10_PagesOldestFirstLinkedByContinuationToken()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        // Ids deliberately not in creation order, so that the order checked is the creation time's.
        string[] idsByAge = [.. Enumerable.Range(0, 25).Select(i => $"paged-{(i * 7) % 25:D2}")];
        for (int i = 0; i < idsByAge.Length; i++)
        {
            await CreateAsync(backend, idsByAge[i], createdAt: T0.AddSeconds(i));
        }

        var pages = new List<OrchestrationQueryResult>();
        string? token = null;
        do
        {
            OrchestrationQueryResult page = await backend.QueryInstancesAsync(new OrchestrationQuery { PageSize = 10, ContinuationToken = token });
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Instances.Count));
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(idsByAge, pages.SelectMany(p => p.Instances).Select(i => i.InstanceId));
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeInstanceAsync_TerminalInstance_RemovesInstanceAndHistory()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "finished");
        await SettleAsync(backend, new() { ["finished"] = OrchestrationRuntimeStatus.Completed });

        Assert.True(await backend.PurgeInstanceAsync("finished"));

        Assert.Null(await backend.GetInstanceAsync("finished"));
        Assert.Empty(await backend.GetHistoryAsync("finished"));
        Assert.Empty((await backend.QueryInstancesAsync(new OrchestrationQuery())).Instances);
        Assert.False(await backend.PurgeInstanceAsync("finished"));
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeInstanceAsync_ActiveOrUnknownInstance_ThrowsStateExceptionOrReturnsFalse()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "pending");
        await CreateAsync(backend, "running");
        OrchestrationWorkItem item = await LockAsync(backend);
        await backend.CompleteOrchestrationWorkItemAsync(item, Episode(item, OrchestrationRuntimeStatus.Running));

        await Assert.ThrowsAsync<OrchestrationStateException>(() => backend.PurgeInstanceAsync("pending"));
        await Assert.ThrowsAsync<OrchestrationStateException>(() => backend.PurgeInstanceAsync("running"));
        Assert.False(await backend.PurgeInstanceAsync("ghost"));
        Assert.NotNull(await backend.GetInstanceAsync("pending"));
        Assert.NotNull(await backend.GetInstanceAsync("running"));
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeInstancesAsync_Filter_RemovesOnlyMatchingTerminalInstances()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "old-done", createdAt: T0);
        await CreateAsync(backend, "old-failed", createdAt: T0);
        await CreateAsync(backend, "old-running", createdAt: T0);
        await CreateAsync(backend, "new-done", createdAt: T0.AddHours(1));
        await CreateAsync(backend, "new-failed", createdAt: T0.AddHours(1));
        await SettleAsync(backend, new()
        {
            ["old-done"] = OrchestrationRuntimeStatus.Completed,
            ["old-failed"] = OrchestrationRuntimeStatus.Failed,
            ["old-running"] = OrchestrationRuntimeStatus.Running,
            ["new-done"] = OrchestrationRuntimeStatus.Completed,
            ["new-failed"] = OrchestrationRuntimeStatus.Failed,
        });

        Assert.Equal(2, await backend.PurgeInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed])));
        Assert.Equal(["new-failed", "old-failed", "old-running"], await QueryIdsAsync(backend, new OrchestrationQuery()));
        Assert.Equal(1, await backend.PurgeInstancesAsync(new PurgeInstancesFilter(CreatedTo: T0.AddMinutes(30))));
        Assert.Equal(["new-failed", "old-running"], await QueryIdsAsync(backend, new OrchestrationQuery()));
        Assert.Equal(1, await backend.PurgeInstancesAsync(new PurgeInstancesFilter(CreatedFrom: T0, Statuses: [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Running])));
        Assert.Equal(["old-running"], await QueryIdsAsync(backend, new OrchestrationQuery()));
        Assert.Empty(await backend.GetHistoryAsync("new-failed"));
    }

    /// <summary>Every instance id matching <paramref name="query"/> (all pages), sorted.</summary>
    private static async Task<List<string>> QueryIdsAsync(IOrchestrationBackend backend, OrchestrationQuery query)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            OrchestrationQueryResult page = await backend.QueryInstancesAsync(query with { ContinuationToken = token });
            ids.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return [.. ids.Order(StringComparer.Ordinal)];
    }
}
