using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>The instance index (queries) and purge.</summary>
internal sealed partial class InstanceStore
{
    /// <summary>Writes the index row of an instance (after its status changed).</summary>
    public Task UpsertIndexAsync(OrchestrationMetadata state, CancellationToken cancellationToken) =>
        hub.Instances.UpsertEntityAsync(Rows.ToIndexEntity(state), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Adds the index row of a new instance; one that exists already (indexed by its worker, or a retry) is left as it is.</summary>
    public async Task InsertIndexAsync(OrchestrationMetadata state, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Instances.AddEntityAsync(Rows.ToIndexEntity(state), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    /// <summary>Removes the index row of an instance created at <paramref name="createdAt"/> (purge, or re-creation under the same id).</summary>
    public Task DeleteIndexAsync(string instanceId, DateTime createdAt, CancellationToken cancellationToken) =>
        IgnoreNotFound(hub.Instances.DeleteEntityAsync(Rows.IndexPartition(createdAt), Rows.IndexKey(createdAt, instanceId), ETag.All, cancellationToken));

    /// <summary>One page of the index, oldest first; a page is filled across service pages.</summary>
    public async Task<OrchestrationQueryResult> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        string? filter = Filter(query.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix, query.Name);
        var found = new List<OrchestrationMetadata>();
        string? token = query.ContinuationToken;
        do
        {
            int wanted = query.PageSize - found.Count;
            await foreach (Page<TableEntity> page in hub.Instances.QueryAsync<TableEntity>(filter, maxPerPage: wanted, cancellationToken: cancellationToken)
                .AsPages(token, wanted).ConfigureAwait(false))
            {
                found.AddRange(page.Values.Select(Rows.FromIndex));
                token = page.ContinuationToken;
                break;
            }
        }
        while (found.Count < query.PageSize && token is not null);

        if (query.FetchInputsAndOutputs)
        {
            for (int i = 0; i < found.Count; i++)
            {
                found[i] = (await ReadStatusAsync(found[i].InstanceId, cancellationToken).ConfigureAwait(false))?.State ?? found[i];
            }
        }

        return new OrchestrationQueryResult(found, token);
    }

    /// <summary>Instance ids in the index that match, for bulk purge.</summary>
    public async IAsyncEnumerable<string> FindAsync(PurgeInstancesFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyCollection<OrchestrationRuntimeStatus> statuses = filter.Statuses is { Count: > 0 } s
            ? [.. s.Where(x => x.IsTerminal())]
            : [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        if (statuses.Count == 0)
        {
            yield break;
        }

        string? query = Filter(statuses, filter.CreatedFrom, filter.CreatedTo, null, null);
        await foreach (TableEntity row in hub.Instances.QueryAsync<TableEntity>(query, select: ["InstanceId"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return row.GetString("InstanceId");
        }
    }

    /// <summary>Deletes every row, index entry and payload blob of the instance.</summary>
    public async Task PurgeAsync(string instanceId, DateTime createdAt, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}");
        var rows = new List<TableTransactionAction>();
        await foreach (TableEntity row in hub.History.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // The status row goes last, so that a purge cut short leaves a purgeable instance rather than orphans.
            if (row.RowKey != Rows.StatusKey)
            {
                rows.Add(new(TableTransactionActionType.Delete, new TableEntity(instanceId, row.RowKey), ETag.All));
            }
        }

        foreach (TableTransactionAction[] chunk in rows.Chunk(100))
        {
            await hub.History.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await payloads.DeleteAllAsync(instanceId, cancellationToken).ConfigureAwait(false);
        await DeleteIndexAsync(instanceId, createdAt, cancellationToken).ConfigureAwait(false);
        await IgnoreNotFound(hub.History.DeleteEntityAsync(instanceId, Rows.StatusKey, ETag.All, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every outbox entry of the instances placed on <paramref name="partition"/> (recovery after a partition changes owner).</summary>
    public async IAsyncEnumerable<(string InstanceId, string Key, Envelope Envelope)> ScanOutboxAsync(int partition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A table scan, done only when a worker takes over a partition: it returns status rows with pending
        // work of their own and the (few, short-lived) outbox rows for other instances.
        string filter = TableClient.CreateQueryFilter(
            $"Partition eq {partition} and (HasOutbox eq {true} or (RowKey ge {Rows.OutboxPrefix} and RowKey lt {"o;"}))");
        await foreach (TableEntity row in hub.History.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == Rows.StatusKey)
            {
                foreach (KeyValuePair<string, object> property in row.Where(p => Rows.IsOwnOutboxKey(p.Key) && p.Value is string { Length: > 0 }))
                {
                    string own = (await payloads.ResolveAsync((string)property.Value, cancellationToken).ConfigureAwait(false))!;
                    yield return (row.PartitionKey, property.Key, Envelope.FromJson(own));
                }

                continue;
            }

            string json = (await payloads.ResolveAsync(row.GetString("Envelope"), cancellationToken).ConfigureAwait(false))!;
            yield return (row.PartitionKey, row.RowKey, Envelope.FromJson(json));
        }
    }

    private static async Task IgnoreNotFound(Task<Response> delete)
    {
        try
        {
            await delete.ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private static string? Filter(IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses, DateTime? from, DateTime? to, string? prefix, string? name)
    {
        var parts = new List<string>();
        if (statuses is { Count: > 0 })
        {
            parts.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")");
        }

        // Keys first: the day partitions and the ticks in the row key bound the scan; the property filters are exact.
        if (from is { } f)
        {
            parts.Add(TableClient.CreateQueryFilter($"PartitionKey ge {Rows.IndexPartition(f)} and CreatedAt ge {DateTime.SpecifyKind(f, DateTimeKind.Utc)}"));
        }

        if (to is { } t)
        {
            parts.Add(TableClient.CreateQueryFilter($"PartitionKey le {Rows.IndexPartition(t)} and CreatedAt lt {DateTime.SpecifyKind(t, DateTimeKind.Utc)}"));
        }

        if (!string.IsNullOrEmpty(prefix))
        {
            // Every id that starts with the prefix sorts between it and the prefix followed by the highest char.
            parts.Add(TableClient.CreateQueryFilter($"InstanceId ge {prefix} and InstanceId lt {prefix + char.MaxValue}"));
        }

        if (name is not null)
        {
            parts.Add(TableClient.CreateQueryFilter($"NameLower eq {name.ToLower(CultureInfo.InvariantCulture)}"));
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }
}
