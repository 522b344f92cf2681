using System.Text.Json;
using AgentFactory.Durable.History;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>An instance as loaded from its partition: status, current history and outbox.</summary>
internal sealed record LoadedInstance(OrchestrationMetadata? State, ETag? ETag, List<HistoryEvent> History,
    List<(string Key, Envelope Envelope)> Outbox);

/// <summary>What one commit writes in the instance's partition.</summary>
internal sealed record CommitBatch(
    OrchestrationMetadata State,
    IReadOnlyList<HistoryEvent> NewEvents,
    bool ReplacesHistory,
    IReadOnlyList<(string Key, Envelope Envelope)> Outbox,
    IReadOnlyList<string> DeleteOutboxKeys);

/// <summary>
/// Reads and writes instance partitions in the History table. Every write that changes an instance
/// goes through its status row's ETag, so a stale owner gets 412 and can never corrupt the instance.
/// </summary>
internal sealed partial class InstanceStore(TaskHub hub, PayloadStore payloads)
{
    // 100 entities per transaction, one of them the status row.
    private const int MaxRowsPerBatch = 99;
    private const long MaxBatchBytes = 3_500_000;

    /// <summary>The status row as stored, resolved, with its ETag; null when the instance does not exist.</summary>
    public async Task<(OrchestrationMetadata State, ETag ETag, int Committed)?> ReadStatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await hub.History.GetEntityIfExistsAsync<TableEntity>(instanceId, Rows.StatusKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        return (await ResolveAsync(Rows.ToMetadata(row.Value!), row.Value!, cancellationToken).ConfigureAwait(false),
            row.Value!.ETag, row.Value.GetInt32("Committed") ?? 0);
    }

    /// <summary>Loads status, the current execution's committed history and the outbox in one partition query.</summary>
    public async Task<LoadedInstance> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}");
        await foreach (TableEntity row in hub.History.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        TableEntity? status = rows.FirstOrDefault(r => r.RowKey == Rows.StatusKey);
        if (status is null)
        {
            return new LoadedInstance(null, null, [], await OutboxOfAsync(instanceId, rows, cancellationToken).ConfigureAwait(false));
        }

        OrchestrationMetadata state = await ResolveAsync(Rows.ToMetadata(status), status, cancellationToken).ConfigureAwait(false);
        int committed = status.GetInt32("Committed") ?? 0;
        string prefix = Rows.HistoryPrefix(state.ExecutionId);
        var history = new List<HistoryEvent>(committed);
        foreach (TableEntity row in rows.Where(r => r.RowKey.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            // Rows past the committed count belong to a commit that never finished: invisible.
            if (Rows.SequenceOf(row.RowKey) < committed)
            {
                string json = (await payloads.ResolveAsync(row.GetString("Event"), cancellationToken).ConfigureAwait(false))!;
                history.Add(Rows.ToHistoryEvent(json));
            }
        }

        if (history.Count != committed)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' has {history.Count} of its {committed} committed history rows.");
        }

        return new LoadedInstance(state, status.ETag, history, await OutboxOfAsync(instanceId, rows, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The current execution's history (committed rows only).</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        (await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false)).History;

    /// <summary>
    /// Commits an episode: history rows, outbox rows, consumed-outbox deletions and the status row,
    /// in one entity-group transaction — or several, each guarded by the status row's ETag, where
    /// only the last moves the committed count (so a partial commit stays invisible).
    /// </summary>
    /// <returns>The status row's new ETag.</returns>
    /// <exception cref="RequestFailedException">412/409: another writer changed the instance (lost ownership).</exception>
    public async Task<ETag> CommitAsync(string instanceId, ETag? etag, int committedBefore, CommitBatch batch, int partition,
        CancellationToken cancellationToken)
    {
        int committed = (batch.ReplacesHistory ? 0 : committedBefore) + batch.NewEvents.Count;
        var rows = new List<TableTransactionAction>();
        foreach (HistoryEvent e in batch.NewEvents)
        {
            string stored = (await payloads.OffloadAsync(instanceId, Rows.Serialize(e), cancellationToken).ConfigureAwait(false))!;
            rows.Add(new(TableTransactionActionType.UpsertReplace, Rows.ToHistoryEntity(instanceId, batch.State.ExecutionId, e, stored)));
        }

        DateTime now = DateTime.UtcNow;
        foreach ((string key, Envelope envelope) in batch.Outbox)
        {
            string stored = (await payloads.OffloadAsync(instanceId, envelope.ToJson(), cancellationToken).ConfigureAwait(false))!;
            rows.Add(new(TableTransactionActionType.Add, Rows.ToOutboxEntity(instanceId, key, stored, partition, now)));
        }

        foreach (string key in batch.DeleteOutboxKeys.Distinct(StringComparer.Ordinal))
        {
            rows.Add(new(TableTransactionActionType.Delete, new TableEntity(instanceId, key), ETag.All));
        }

        TableEntity status = Rows.ToStatusEntity(batch.State, committed, partition, await StoreAsync(batch.State, cancellationToken).ConfigureAwait(false));
        List<List<TableTransactionAction>> chunks = Chunk(rows);
        for (int i = 0; i < chunks.Count; i++)
        {
            List<TableTransactionAction> chunk = chunks[i];
            TableEntity statusForChunk = i == chunks.Count - 1 ? status : PlaceholderStatus(status, etag, committedBefore);
            chunk.Add(etag is { } current
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, statusForChunk, current)
                : new TableTransactionAction(TableTransactionActionType.Add, statusForChunk));
            Response<IReadOnlyList<Response>> response = await hub.History.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            etag = response.Value[^1].Headers.ETag;
        }

        return etag!.Value;
    }

    private static List<List<TableTransactionAction>> Chunk(List<TableTransactionAction> rows)
    {
        var chunks = new List<List<TableTransactionAction>>();
        var current = new List<TableTransactionAction>();
        long size = 0;
        foreach (TableTransactionAction row in rows)
        {
            long rowSize = Rows.SizeOf((TableEntity)row.Entity);
            if (current.Count == MaxRowsPerBatch || (current.Count > 0 && size + rowSize > MaxBatchBytes))
            {
                chunks.Add(current);
                current = [];
                size = 0;
            }

            current.Add(row);
            size += rowSize;
        }

        chunks.Add(current);
        return chunks;
    }

    // An earlier chunk writes the status row unchanged (only to check and move its ETag), so readers keep the old committed count.
    private static TableEntity PlaceholderStatus(TableEntity final, ETag? etag, int committedBefore)
    {
        var placeholder = new TableEntity(final.PartitionKey, final.RowKey);
        foreach (KeyValuePair<string, object> p in final)
        {
            if (p.Key is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
            {
                placeholder[p.Key] = p.Value;
            }
        }

        placeholder["Committed"] = committedBefore;
        if (etag is null)
        {
            placeholder["Status"] = nameof(OrchestrationRuntimeStatus.Pending);
        }

        return placeholder;
    }

    /// <summary>Creates (or replaces a terminal) instance together with the outbox row of its start message.</summary>
    /// <exception cref="OrchestrationAlreadyExistsException">The instance exists and is still running.</exception>
    public async Task CreateAsync(OrchestrationMetadata state, ETag? replace, string outboxKey, Envelope start, int partition,
        CancellationToken cancellationToken)
    {
        string stored = (await payloads.OffloadAsync(state.InstanceId, start.ToJson(), cancellationToken).ConfigureAwait(false))!;
        TableEntity status = Rows.ToStatusEntity(state, 0, partition, await StoreAsync(state, cancellationToken).ConfigureAwait(false));
        var actions = new List<TableTransactionAction>
        {
            replace is { } etag
                ? new(TableTransactionActionType.UpdateReplace, status, etag)
                : new(TableTransactionActionType.Add, status),
            new(TableTransactionActionType.Add, Rows.ToOutboxEntity(state.InstanceId, outboxKey, stored, partition, DateTime.UtcNow)),
        };
        try
        {
            await hub.History.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new OrchestrationAlreadyExistsException($"An orchestration with instance id '{state.InstanceId}' was just created by another client.", ex);
        }
    }

    /// <summary>Deletes one outbox row (after its message was sent to a queue).</summary>
    public async Task DeleteOutboxAsync(string instanceId, string key, CancellationToken cancellationToken)
    {
        try
        {
            await hub.History.DeleteEntityAsync(instanceId, key, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already consumed.
        }
    }

    /// <summary>Deletes the rows of ended executions (after ContinueAsNew or a restart); best effort.</summary>
    public async Task DeleteStaleHistoryAsync(string instanceId, string currentExecutionId, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {"h:"} and RowKey lt {"h;"}");
        var stale = new List<TableTransactionAction>();
        string keep = Rows.HistoryPrefix(currentExecutionId);
        await foreach (TableEntity row in hub.History.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!row.RowKey.StartsWith(keep, StringComparison.Ordinal))
            {
                stale.Add(new(TableTransactionActionType.Delete, new TableEntity(instanceId, row.RowKey), ETag.All));
            }
        }

        foreach (TableTransactionAction[] chunk in stale.Chunk(100))
        {
            await hub.History.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<(string, Envelope)>> OutboxOfAsync(string instanceId, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var outbox = new List<(string, Envelope)>();
        foreach (TableEntity row in rows.Where(r => r.RowKey.StartsWith(Rows.OutboxPrefix, StringComparison.Ordinal)))
        {
            string json = (await payloads.ResolveAsync(row.GetString("Envelope"), cancellationToken).ConfigureAwait(false))!;
            outbox.Add((row.RowKey, Envelope.FromJson(json)));
        }

        return outbox;
    }

    private async Task<StoredPayloads> StoreAsync(OrchestrationMetadata s, CancellationToken cancellationToken) => new(
        await payloads.OffloadAsync(s.InstanceId, s.SerializedInput, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.SerializedOutput, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.SerializedCustomStatus, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.FailureDetails is null ? null : JsonSerializer.Serialize(s.FailureDetails, DataConverter.DefaultOptions),
            cancellationToken).ConfigureAwait(false));

    private async Task<OrchestrationMetadata> ResolveAsync(OrchestrationMetadata s, TableEntity row, CancellationToken cancellationToken)
    {
        string? failure = await payloads.ResolveAsync(row.GetString("Failure"), cancellationToken).ConfigureAwait(false);
        return s with
        {
            SerializedInput = await payloads.ResolveAsync(s.SerializedInput, cancellationToken).ConfigureAwait(false),
            SerializedOutput = await payloads.ResolveAsync(s.SerializedOutput, cancellationToken).ConfigureAwait(false),
            SerializedCustomStatus = await payloads.ResolveAsync(s.SerializedCustomStatus, cancellationToken).ConfigureAwait(false),
            FailureDetails = failure is null ? null : JsonSerializer.Deserialize<FailureDetails>(failure, DataConverter.DefaultOptions),
        };
    }
}
