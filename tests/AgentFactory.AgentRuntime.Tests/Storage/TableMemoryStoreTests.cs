using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Kinds.Memory;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Testing;
using Azure.Data.Tables;

namespace AgentFactory.AgentRuntime.Tests.Storage;

/// <summary>Long-term memory in a Table on Azurite: the store itself, and the memory agent using it when it has storage.</summary>
public class TableMemoryStoreTests
{
    private readonly string tableName = "mem" + Guid.NewGuid().ToString("n")[..12];
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TableClient Table => new(AzuriteConnection.ConnectionString, tableName);

    private static MemoryEntry Entry(string key, int daysLeft = 30) => new(key, "text of " + key, MemoryTier.LongTerm, Now, Now.AddDays(daysLeft));

    [Fact(Timeout = 30_000)]
    public async Task Upsert_ThenList_ReturnsTheEntriesOfTheScopeOnly()
    {
        var store = new TableMemoryStore(Table);
        await store.UpsertAsync("agent-a", Entry("k1"), CancellationToken.None);
        await store.UpsertAsync("agent-a", Entry("k1") with { Text = "replaced" }, CancellationToken.None);
        await store.UpsertAsync("agent-b", Entry("k2"), CancellationToken.None);

        var entries = await store.ListLiveAsync("agent-a", Now, CancellationToken.None);

        var entry = Assert.Single(entries);
        Assert.Equal(("k1", "replaced", Now.AddDays(30)), (entry.Key, entry.Text, entry.ExpiresAt));
    }

    [Fact(Timeout = 30_000)]
    public async Task ListLive_ExpiredEntries_AreNotReturnedAndAreDeleted()
    {
        var store = new TableMemoryStore(Table);
        await store.UpsertAsync("agent", Entry("old", daysLeft: 1), CancellationToken.None);
        await store.UpsertAsync("agent", Entry("new", daysLeft: 10), CancellationToken.None);

        var live = await store.ListLiveAsync("agent", Now.AddDays(2), CancellationToken.None);

        Assert.Equal(["new"], live.Select(e => e.Key));
        Assert.False((await Table.GetEntityIfExistsAsync<TableEntity>("agent", "old")).HasValue);
    }

    [Fact(Timeout = 30_000)]
    public async Task Delete_ExistingAndMissingKey_SaysWhetherARowWasRemoved()
    {
        var store = new TableMemoryStore(Table);
        await store.UpsertAsync("agent", Entry("k"), CancellationToken.None);

        Assert.True(await store.DeleteAsync("agent", "k", CancellationToken.None));
        Assert.False(await store.DeleteAsync("agent", "k", CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task DeleteScope_RemovesEveryEntryOfTheScope()
    {
        var store = new TableMemoryStore(Table);
        await store.UpsertAsync("scratch", Entry("a"), CancellationToken.None);
        await store.UpsertAsync("scratch", Entry("b"), CancellationToken.None);

        await store.DeleteScopeAsync("scratch", CancellationToken.None);

        Assert.Empty(await store.ListLiveAsync("scratch", Now, CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task MemoryAgent_WithStorage_KeepsLongTermEntriesInTheTableAcrossHandlers()
    {
        var environment = new Dictionary<string, string>
        {
            [AgentEnvironment.StorageVariable] = AzuriteConnection.ConnectionString,
            [AgentEnvironment.MemoryTableVariable] = tableName,
        };
        var host = Agents.Host(Agents.Default("tmpl-memory"), environment, RunMode.Service);
        Assert.IsType<TableMemoryStore>(HandlerFactory.MemoryStore(host));
        await using (var first = Agents.Handler(host, "support-bot"))
        {
            await Agents.RunAsync(first, """{"op":"remember","key":"plan","text":"Customer 42 is on the Professional plan.","tier":"longTerm"}""");
        }

        await using var second = Agents.Handler(host, "support-bot");
        var result = await Agents.RunAsync(second, """{"op":"recall","query":"customer plan"}""");

        Assert.Equal("plan", result.At("$.entries[0].key").GetString());
        var row = await Table.GetEntityAsync<TableEntity>("support-bot", "plan");
        Assert.Equal("Customer 42 is on the Professional plan.", row.Value.GetString("Text"));
    }

    [Fact(Timeout = 30_000)]
    public async Task MemoryAgent_SandboxTaskWithStorage_LeavesNothingBehind()
    {
        var environment = new Dictionary<string, string>
        {
            [AgentEnvironment.StorageVariable] = AzuriteConnection.ConnectionString,
            [AgentEnvironment.MemoryTableVariable] = tableName,
        };
        var host = Agents.Host(Agents.Default("tmpl-memory"), environment, RunMode.Sandbox);
        await using (var handler = Agents.Handler(host, "sandbox-scope"))
        {
            await Agents.RunAsync(handler, """{"op":"remember","key":"k","text":"scratch","tier":"longTerm"}""");
        }

        Assert.Empty(await Table.QueryAsync<TableEntity>(e => e.PartitionKey == "sandbox-scope").ToListAsync());
    }
}
