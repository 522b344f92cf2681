using System.Text.Json;
using AgentFactory.Durable.History;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// What a writer must know about an instance's status row to write it next: its ETag and layout.
/// </summary>
/// <param name="ETag">Guards every write: a stale owner gets 412.</param>
/// <param name="Committed">Events in the current execution's history.</param>
/// <param name="Spilled">Events [0, Spilled) live in history rows; the rest inline in the status row.</param>
/// <param name="Inline">Inline episode properties E000… in use.</param>
/// <param name="InlineChars">Characters held inline (events and outbox), to stay far below the 1 MiB entity limit.</param>
/// <param name="Tombstones">Consumed outbox properties (empty strings) awaiting compaction.</param>
/// <param name="LiveOutbox">Outbox properties not yet consumed: key → stored value.</param>
/// <param name="ForeignOutbox">Outbox rows for other instances may exist (a load must look for them).</param>
internal sealed record RowState(ETag ETag, int Committed, int Spilled, int Inline, int InlineChars, int Tombstones,
    IReadOnlyDictionary<string, string> LiveOutbox, bool ForeignOutbox);

/// <summary>An instance as loaded from its partition: status, current history and outbox.</summary>
internal sealed record LoadedInstance(OrchestrationMetadata? State, RowState? Row, List<HistoryEvent> History,
    List<(string Key, Envelope Envelope)> Outbox);

/// <summary>What one commit writes in the instance's partition.</summary>
internal sealed record CommitBatch(
    OrchestrationMetadata State,
    IReadOnlyList<HistoryEvent> NewEvents,
    bool ReplacesHistory,
    IReadOnlyList<(string Key, Envelope Envelope)> Outbox,
    IReadOnlyList<string> ConsumedOutboxKeys,
    OrchestrationMetadata? Previous = null);

/// <summary>
/// Reads and writes instance partitions in the History table. The status row carries the recent
/// history (one property per episode) and the instance's own outbox, so a normal commit is ONE
/// single-entity merge guarded by the ETag — no entity-group transaction; long histories spill into
/// history rows. A stale owner always gets 412 and can never corrupt the instance.
/// </summary>
internal sealed partial class InstanceStore(TaskHub hub, PayloadStore payloads)
{
    // Azure: 252 custom properties and 1 MiB per entity; stay well inside both.
    private const int MaxProperties = 200;
    private const int MaxInlineChars = 300_000;
    private const int MaxRowsPerBatch = 99;
    private const long MaxBatchBytes = 3_500_000;

    /// <summary>The status as stored, resolved, with its ETag; null when the instance does not exist.</summary>
    public async Task<(OrchestrationMetadata State, ETag ETag)?> ReadStatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        TableEntity? row = await ReadStatusRowAsync(instanceId, Rows.StatusProperties, cancellationToken).ConfigureAwait(false);
        return row is null ? null : (await ResolveAsync(Rows.ToMetadata(row), row, cancellationToken).ConfigureAwait(false), row.ETag);
    }

    private async Task<TableEntity?> ReadStatusRowAsync(string instanceId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        // A point read (GET): on Azurite it costs about 0.6 of a single-key query's CPU (bench "storage-ceiling").
        NullableResponse<TableEntity> row = await hub.History.GetEntityIfExistsAsync<TableEntity>(instanceId, Rows.StatusKey, select, cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Loads status, the current execution's history and the outbox (one point read, plus spilled rows and foreign outbox rows).</summary>
    public async Task<LoadedInstance> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        TableEntity? status = await ReadStatusRowAsync(instanceId, null, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return new LoadedInstance(null, null, [], []);
        }

        OrchestrationMetadata state = await ResolveAsync(Rows.ToMetadata(status), status, cancellationToken).ConfigureAwait(false);
        int committed = status.GetInt32("Committed") ?? 0;
        int spilled = status.GetInt32("Spilled") ?? 0;
        int inline = status.GetInt32("Inline") ?? 0;
        var history = new List<HistoryEvent>(committed);
        var outbox = new List<(string, Envelope)>();
        var live = new Dictionary<string, string>(StringComparer.Ordinal);
        int tombstones = 0;

        bool hasForeignOutbox = status.GetBoolean("HasForeignOutbox") == true;
        if (spilled > 0 || hasForeignOutbox)
        {
            await ReadRowsAsync(instanceId, state.ExecutionId, spilled, history, hasForeignOutbox ? outbox : null, cancellationToken).ConfigureAwait(false);
        }

        for (int i = 0; i < inline; i++)
        {
            string json = (await payloads.ResolveAsync(status.GetString(Rows.InlineKey(i)), cancellationToken).ConfigureAwait(false))!;
            history.AddRange(JsonSerializer.Deserialize<List<HistoryEvent>>(json, DataConverter.DefaultOptions)!);
        }

        foreach (KeyValuePair<string, object> property in status.Where(p => Rows.IsOwnOutboxKey(p.Key)))
        {
            string stored = property.Value as string ?? "";
            if (stored.Length == 0)
            {
                tombstones++;
                continue;
            }

            live[property.Key] = stored;
            outbox.Add((property.Key, Envelope.FromJson((await payloads.ResolveAsync(stored, cancellationToken).ConfigureAwait(false))!)));
        }

        if (history.Count != committed)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' has {history.Count} of its {committed} committed history events.");
        }

        var row = new RowState(status.ETag, committed, spilled, inline, status.GetInt32("InlineChars") ?? 0, tombstones, live, hasForeignOutbox);
        return new LoadedInstance(state, row, history, outbox);
    }

    /// <summary>The current execution's history.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        (await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false)).History;

    /// <summary>
    /// Commits an episode. Normally one merge of the status row (new episode property, outbox
    /// properties, status fields) with If-Match. When the row would grow too large, the inline history
    /// spills into history rows (transactions that each re-check the ETag) and the row is rewritten.
    /// </summary>
    /// <remarks>The history passed is the full history after this commit (used when spilling).</remarks>
    /// <exception cref="RequestFailedException">412/409: another writer changed the instance (lost ownership).</exception>
    public async Task<RowState> CommitAsync(string instanceId, RowState? row, CommitBatch batch, IReadOnlyList<HistoryEvent> history, int partition,
        CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, string>(row?.LiveOutbox ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var foreign = new List<(string Key, string Stored)>();
        int tombstones = row?.Tombstones ?? 0;
        var entity = new TableEntity(instanceId, Rows.StatusKey);
        int addedChars = 0;
        foreach ((string key, Envelope envelope) in batch.Outbox)
        {
            string stored = (await payloads.OffloadAsync(instanceId, envelope.ToJson(), cancellationToken).ConfigureAwait(false))!;
            if (Rows.IsOwnOutboxKey(key))
            {
                live[key] = stored;
                entity[key] = stored;
                addedChars += stored.Length;
            }
            else
            {
                foreign.Add((key, stored));
            }
        }

        foreach (string key in batch.ConsumedOutboxKeys.Where(Rows.IsOwnOutboxKey).Distinct(StringComparer.Ordinal))
        {
            if (live.Remove(key))
            {
                entity[key] = "";
                tombstones++;
            }
        }

        int committed = (batch.ReplacesHistory ? 0 : row?.Committed ?? 0) + batch.NewEvents.Count;
        int spilled = batch.ReplacesHistory ? 0 : row?.Spilled ?? 0;
        int inline = batch.ReplacesHistory ? 0 : row?.Inline ?? 0;
        int inlineChars = batch.ReplacesHistory ? 0 : row?.InlineChars ?? 0;
        string? episode = null;
        if (batch.NewEvents.Count > 0)
        {
            episode = await payloads.OffloadAsync(instanceId, JsonSerializer.Serialize(batch.NewEvents, DataConverter.DefaultOptions), cancellationToken)
                .ConfigureAwait(false);
            addedChars += episode!.Length;
        }

        bool rewrite = row is null || batch.ReplacesHistory
            || 20 + inline + 1 + live.Count + tombstones > MaxProperties
            || inlineChars + addedChars > MaxInlineChars;
        ETag? etag = row?.ETag;
        if (rewrite && row is not null && !batch.ReplacesHistory && committed > spilled)
        {
            // Spill: every event not yet in rows goes to rows; the rewritten status row then holds none inline.
            etag = await SpillAsync(instanceId, batch.State.ExecutionId, history, spilled, committed, etag!.Value, cancellationToken).ConfigureAwait(false);
            spilled = committed;
        }

        if (rewrite)
        {
            entity = new TableEntity(instanceId, Rows.StatusKey);
            foreach ((string key, string stored) in live)
            {
                entity[key] = stored;
            }

            tombstones = 0;
            inline = 0;
            inlineChars = live.Values.Sum(v => v.Length);
            if (spilled < committed)
            {
                // A new execution (or a new instance) starts inline.
                entity[Rows.InlineKey(inline++)] = episode;
                inlineChars += episode?.Length ?? 0;
            }
        }
        else
        {
            if (episode is not null)
            {
                entity[Rows.InlineKey(inline++)] = episode;
            }

            inlineChars += addedChars;
        }

        TableEntity fields = Rows.ToStatusEntity(batch.State, committed, partition, new StoredPayloads(null, null, null, null));
        foreach (KeyValuePair<string, object> field in fields)
        {
            if (field.Key is not ("PartitionKey" or "RowKey" or "Input" or "Output" or "CustomStatus" or "Failure"))
            {
                entity[field.Key] = field.Value;
            }
        }

        await SetPayloadsAsync(entity, batch.State, rewrite ? null : batch.Previous, cancellationToken).ConfigureAwait(false);

        entity["Spilled"] = spilled;
        entity["Inline"] = inline;
        entity["InlineChars"] = inlineChars;
        entity["HasOutbox"] = live.Count > 0;
        // Sticky: rows for other instances are deleted after their send, without touching this row.
        bool foreignOutbox = foreign.Count > 0 || row?.ForeignOutbox == true;
        entity["HasForeignOutbox"] = foreignOutbox;
        ETag next;
        if (foreign.Count == 0)
        {
            Response response = etag is null
                ? await hub.History.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : rewrite
                    ? await hub.History.UpdateEntityAsync(entity, etag.Value, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                    : await hub.History.UpdateEntityAsync(entity, etag.Value, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            next = response.Headers.ETag!.Value;
        }
        else
        {
            // Work for other instances gets rows of its own: deleting them after the send must not move this row's ETag.
            var actions = foreign.Select(f => new TableTransactionAction(TableTransactionActionType.Add,
                Rows.ToOutboxEntity(instanceId, f.Key, f.Stored, partition, DateTime.UtcNow))).ToList();
            actions.Add(etag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(rewrite ? TableTransactionActionType.UpdateReplace : TableTransactionActionType.UpdateMerge, entity, etag.Value));
            Response<IReadOnlyList<Response>> response = await hub.History.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            next = response.Value[^1].Headers.ETag!.Value;
        }

        return new RowState(next, committed, spilled, inline, inlineChars, tombstones, live, foreignOutbox);
    }

    /// <summary>Marks a running instance Failed (poison handling) without touching its history.</summary>
    public async Task MarkFailedAsync(OrchestrationMetadata failed, ETag etag, CancellationToken cancellationToken)
    {
        TableEntity fields = Rows.ToStatusEntity(failed, 0, 0, await StoreAsync(failed, cancellationToken).ConfigureAwait(false));
        fields.Remove("Committed");
        fields.Remove("Partition");
        await hub.History.UpdateEntityAsync(fields, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the instance if its id is free. Returns null when created, else the status the id holds
    /// (the caller refuses a running one and replaces a finished one).
    /// </summary>
    public async Task<(OrchestrationMetadata State, ETag ETag)?> TryInsertAsync(OrchestrationMetadata state, string outboxKey, Envelope start, int partition,
        CancellationToken cancellationToken)
    {
        try
        {
            await hub.History.AddEntityAsync(await ToCreatedEntityAsync(state, outboxKey, start, partition, cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await ReadStatusAsync(state.InstanceId, cancellationToken).ConfigureAwait(false);
            // Our own insert, retried after a timeout although the service had acted: it is created.
            return existing?.State.ExecutionId == state.ExecutionId ? null : existing
                ?? throw new OrchestrationAlreadyExistsException($"Instance id '{state.InstanceId}' is being purged or re-created; try again.", ex);
        }
    }

    /// <summary>Creates (or replaces a terminal) instance; its start message is the first entry of its own outbox.</summary>
    /// <exception cref="OrchestrationAlreadyExistsException">Another client created it meanwhile.</exception>
    public async Task CreateAsync(OrchestrationMetadata state, ETag? replace, string outboxKey, Envelope start, int partition,
        CancellationToken cancellationToken)
    {
        TableEntity status = await ToCreatedEntityAsync(state, outboxKey, start, partition, cancellationToken).ConfigureAwait(false);
        try
        {
            if (replace is { } etag)
            {
                await hub.History.UpdateEntityAsync(status, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await hub.History.AddEntityAsync(status, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // A retry of our own write that had succeeded (a timeout after the service acted) also lands here.
            if ((await ReadStatusAsync(state.InstanceId, cancellationToken).ConfigureAwait(false))?.State.ExecutionId == state.ExecutionId)
            {
                return;
            }

            throw new OrchestrationAlreadyExistsException($"An orchestration with instance id '{state.InstanceId}' was just created by another client.", ex);
        }
    }

    private async Task<TableEntity> ToCreatedEntityAsync(OrchestrationMetadata state, string outboxKey, Envelope start, int partition,
        CancellationToken cancellationToken)
    {
        string stored = (await payloads.OffloadAsync(state.InstanceId, start.ToJson(), cancellationToken).ConfigureAwait(false))!;
        TableEntity status = Rows.ToStatusEntity(state, 0, partition, await StoreAsync(state, cancellationToken).ConfigureAwait(false));
        status[outboxKey] = stored;
        status["HasOutbox"] = true;
        status["Spilled"] = 0;
        status["Inline"] = 0;
        status["InlineChars"] = stored.Length;
        return status;
    }

    /// <summary>Deletes a foreign-outbox row (after its message was sent to the target's queue).</summary>
    public async Task DeleteOutboxAsync(string instanceId, string key, CancellationToken cancellationToken)
    {
        try
        {
            await hub.History.DeleteEntityAsync(instanceId, key, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }

    /// <summary>Deletes the history rows of ended executions (after ContinueAsNew or a restart); best effort.</summary>
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

    private async Task<ETag> SpillAsync(string instanceId, string executionId, IReadOnlyList<HistoryEvent> history, int from, int to, ETag etag,
        CancellationToken cancellationToken)
    {
        var rows = new List<TableTransactionAction>();
        for (int i = from; i < to; i++)
        {
            string stored = (await payloads.OffloadAsync(instanceId, Rows.Serialize(history[i]), cancellationToken).ConfigureAwait(false))!;
            rows.Add(new(TableTransactionActionType.UpsertReplace, Rows.ToHistoryEntity(instanceId, executionId, history[i], stored)));
        }

        // Each transaction re-checks (and moves) the status row's ETag, so a stale owner's rows are never written;
        // the rows stay invisible until the rewritten status row moves Spilled past them.
        foreach (List<TableTransactionAction> chunk in Chunk(rows))
        {
            chunk.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(instanceId, Rows.StatusKey) { ["SpillCheck"] = to }, etag));
            Response<IReadOnlyList<Response>> response = await hub.History.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            etag = response.Value[^1].Headers.ETag!.Value;
        }

        return etag;
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

    private async Task ReadRowsAsync(string instanceId, string executionId, int spilled, List<HistoryEvent> history,
        List<(string, Envelope)>? foreignOutbox, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey gt {Rows.StatusKey}");
        string prefix = Rows.HistoryPrefix(executionId);
        var rows = new SortedDictionary<int, string>();
        await foreach (TableEntity row in hub.History.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal) && Rows.SequenceOf(row.RowKey) is int sequence && sequence < spilled)
            {
                rows[sequence] = row.GetString("Event")!;
            }
            else if (foreignOutbox is not null && row.RowKey.StartsWith(Rows.OutboxPrefix, StringComparison.Ordinal))
            {
                string json = (await payloads.ResolveAsync(row.GetString("Envelope"), cancellationToken).ConfigureAwait(false))!;
                foreignOutbox.Add((row.RowKey, Envelope.FromJson(json)));
            }
        }

        foreach (string stored in rows.Values)
        {
            history.Add(Rows.ToHistoryEvent((await payloads.ResolveAsync(stored, cancellationToken).ConfigureAwait(false))!));
        }
    }

    // A merge leaves unchanged payloads out: a large input would otherwise be copied to a new blob on every commit.
    private async Task SetPayloadsAsync(TableEntity entity, OrchestrationMetadata s, OrchestrationMetadata? previous, CancellationToken cancellationToken)
    {
        string? failure = s.FailureDetails is null ? null : JsonSerializer.Serialize(s.FailureDetails, DataConverter.DefaultOptions);
        string? failureBefore = previous?.FailureDetails is null ? null : JsonSerializer.Serialize(previous.FailureDetails, DataConverter.DefaultOptions);
        await SetAsync("Input", s.SerializedInput, previous?.SerializedInput).ConfigureAwait(false);
        await SetAsync("Output", s.SerializedOutput, previous?.SerializedOutput).ConfigureAwait(false);
        await SetAsync("CustomStatus", s.SerializedCustomStatus, previous?.SerializedCustomStatus).ConfigureAwait(false);
        await SetAsync("Failure", failure, failureBefore).ConfigureAwait(false);

        async Task SetAsync(string name, string? value, string? before)
        {
            if (previous is null || value != before)
            {
                entity[name] = await payloads.OffloadAsync(s.InstanceId, value, cancellationToken).ConfigureAwait(false) ?? "";
            }
        }
    }

    private async Task<StoredPayloads> StoreAsync(OrchestrationMetadata s, CancellationToken cancellationToken) => new(
        await payloads.OffloadAsync(s.InstanceId, s.SerializedInput, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.SerializedOutput, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.SerializedCustomStatus, cancellationToken).ConfigureAwait(false),
        await payloads.OffloadAsync(s.InstanceId, s.FailureDetails is null ? null : JsonSerializer.Serialize(s.FailureDetails, DataConverter.DefaultOptions),
            cancellationToken).ConfigureAwait(false));

    private async Task<OrchestrationMetadata> ResolveAsync(OrchestrationMetadata s, TableEntity row, CancellationToken cancellationToken)
    {
        string? failure = await payloads.ResolveAsync(Rows.NullIfEmpty(row.GetString("Failure")), cancellationToken).ConfigureAwait(false);
        return s with
        {
            SerializedInput = await payloads.ResolveAsync(s.SerializedInput, cancellationToken).ConfigureAwait(false),
            SerializedOutput = await payloads.ResolveAsync(s.SerializedOutput, cancellationToken).ConfigureAwait(false),
            SerializedCustomStatus = await payloads.ResolveAsync(s.SerializedCustomStatus, cancellationToken).ConfigureAwait(false),
            FailureDetails = failure is null ? null : JsonSerializer.Deserialize<FailureDetails>(failure, DataConverter.DefaultOptions),
        };
    }
}
