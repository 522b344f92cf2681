using Azure;
using Azure.Data.Tables;

namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// Long-term memory in an Azure Table: PartitionKey = scope (the agent), RowKey = entry key, so an agent's memory is
/// one partition — a recall is one partition query and a remember or forget one point write.
/// </summary>
internal sealed class TableMemoryStore(TableClient table) : IMemoryStore
{
    private readonly Lazy<Task> created = new(() => table.CreateIfNotExistsAsync());

    public async Task UpsertAsync(string scope, MemoryEntry entry, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = new TableEntity(scope, entry.Key)
        {
            ["Text"] = entry.Text,
            ["Tier"] = entry.Tier.ToString(),
            ["CreatedAt"] = entry.CreatedAt,
            ["ExpiresAt"] = entry.ExpiresAt,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await created.Value;
        try
        {
            // The SDK answers a delete of a missing row with its 404 response rather than an exception (older
            // versions threw): either way forget reports whether there was something to forget, in one request.
            var response = await table.DeleteEntityAsync(scope, key, ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<MemoryEntry>> ListLiveAsync(string scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await created.Value;
        List<MemoryEntry> live = [];
        List<string> expired = [];
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == scope, cancellationToken: cancellationToken))
        {
            var entry = ToEntry(entity);
            if (entry.IsLiveAt(now))
            {
                live.Add(entry);
            }
            else
            {
                expired.Add(entry.Key);
            }
        }

        foreach (var key in expired)
        {
            await DeleteQuietlyAsync(scope, key, cancellationToken);
        }

        return live;
    }

    public async Task DeleteScopeAsync(string scope, CancellationToken cancellationToken)
    {
        await created.Value;
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == scope, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            await DeleteQuietlyAsync(scope, entity.RowKey, cancellationToken);
        }
    }

    private async Task DeleteQuietlyAsync(string scope, string key, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(scope, key, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Another reader expired it first: the outcome is the same.
        }
    }

    private static MemoryEntry ToEntry(TableEntity entity) => new(
        entity.RowKey,
        entity.GetString("Text") ?? "",
        Enum.TryParse<MemoryTier>(entity.GetString("Tier"), out var tier) ? tier : MemoryTier.LongTerm,
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MaxValue);
}
