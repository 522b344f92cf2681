using AgentFactory.Durable;
using AgentFactory.Durable.InMemory;
using AgentFactory.Functions.Apis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

/// <summary>The tenant-filtered pager against a backend without a worker (instances stay Pending), with small pages and a small budget.</summary>
public class PagingTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DurableTaskClient _client;
    private readonly IDataProtector _protector = new EphemeralDataProtectionProvider().CreateProtector(DurableTaskApiPaging.Purpose);

    public PagingTests() => _client = new DurableTaskClient(new InMemoryOrchestrationBackend(_clock), timeProvider: _clock);

    [Theory(Timeout = 30_000)]
    [InlineData(1, 1, 1)]
    [InlineData(1, 3, 1)]
    [InlineData(2, 5, 2)]
    [InlineData(3, 4, 1)]
    [InlineData(2, 7, 3)]
    [InlineData(5, 100, 10)]
    public async Task ReadAsync_SparseTenant_VisitsItsInstancesOnceInOrderAndNoOtherTenants(int top, int minPageSize, int maxPages)
    {
        // Tenant a owns every fifth instance; equal creation times in pairs exercise the id tie-break.
        List<string> own = await CreateAsync(40, i => i % 5 == 2 ? "a" : "b", advanceEvery: 2);
        var pager = new DurableTaskApiPaging(_client, _protector, maxPages, minPageSize);
        var caller = new DurableTaskApiCaller("a", SeesAllTenants: false);

        (List<string> seen, int requests) = await ReadAllAsync(pager, caller, top);

        Assert.Equal(own, seen);
        Assert.True(requests >= (own.Count + top - 1) / top);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_AllCreatedAtTheSameTick_StillExact()
    {
        List<string> own = await CreateAsync(12, i => i % 3 == 0 ? "a" : "b", advanceEvery: 0);
        var pager = new DurableTaskApiPaging(_client, _protector, maxBackendPages: 2, minFilteredPageSize: 5);

        (List<string> seen, _) = await ReadAllAsync(pager, new DurableTaskApiCaller("a", false), top: 2);

        Assert.Equal(own, seen);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_CallerSeeingAllTenants_GetsFullPagesOfEveryInstance()
    {
        await CreateAsync(7, i => i % 2 == 0 ? "a" : "b", advanceEvery: 1);
        var pager = new DurableTaskApiPaging(_client, _protector);
        var ops = new DurableTaskApiCaller(DurableTaskApiSecurity.PlatformTenant, SeesAllTenants: true);

        var (first, token) = await pager.ReadAsync(new OrchestrationQuery(), 5, null, ops, CancellationToken.None);
        var (second, last) = await pager.ReadAsync(new OrchestrationQuery(), 5, token, ops, CancellationToken.None);

        Assert.Equal(5, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Null(last);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_TokenOfAnotherTenantOrTampered_IsRefused()
    {
        await CreateAsync(6, i => i % 2 == 0 ? "a" : "b", advanceEvery: 1);
        var pager = new DurableTaskApiPaging(_client, _protector);
        var (_, token) = await pager.ReadAsync(new OrchestrationQuery(), 1, null, new DurableTaskApiCaller("a", false), CancellationToken.None);
        Assert.NotNull(token);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            pager.ReadAsync(new OrchestrationQuery(), 1, token, new DurableTaskApiCaller("b", false), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            pager.ReadAsync(new OrchestrationQuery(), 1, token[..^2] + "xx", new DurableTaskApiCaller("a", false), CancellationToken.None));
    }

    /// <summary>Creates <paramref name="count"/> instances, owner by index; returns the ids of tenant a in creation order.</summary>
    private async Task<List<string>> CreateAsync(int count, Func<int, string> owner, int advanceEvery)
    {
        var own = new List<string>();
        for (int i = 0; i < count; i++)
        {
            if (advanceEvery > 0 && i % advanceEvery == 0)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
            }

            string tenant = owner(i);
            // Ids sort against creation order within a tick, so that the id tie-break matters.
            string id = $"{tenant}-{count - i:D3}-{Guid.NewGuid():N}";
            await _client.ScheduleNewOrchestrationInstanceAsync("Any", null,
                new StartOrchestrationOptions { InstanceId = id, Tags = new Dictionary<string, string> { ["tenant"] = tenant } });
            if (tenant == "a")
            {
                own.Add(id);
            }
        }

        // The order the backends page in: creation time, then id.
        List<OrchestrationMetadata> all = [];
        foreach (string id in own)
        {
            all.Add((await _client.GetInstanceAsync(id))!);
        }

        return [.. all.OrderBy(s => s.CreatedAt).ThenBy(s => s.InstanceId, StringComparer.Ordinal).Select(s => s.InstanceId)];
    }

    private static async Task<(List<string> Seen, int Requests)> ReadAllAsync(DurableTaskApiPaging pager, DurableTaskApiCaller caller, int top)
    {
        var seen = new List<string>();
        string? token = null;
        int requests = 0;
        do
        {
            var (page, next) = await pager.ReadAsync(new OrchestrationQuery(), top, token, caller, CancellationToken.None);
            Assert.True(page.Count <= top);
            seen.AddRange(page.Select(p => p.InstanceId));
            token = next;
            requests++;
        }
        while (token is not null && requests < 1000);

        return (seen, requests);
    }
}
