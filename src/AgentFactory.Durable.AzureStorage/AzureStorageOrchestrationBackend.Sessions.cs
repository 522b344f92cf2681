using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Orchestration work items: sessions, loading, committing, abandoning.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    /// <inheritdoc/>
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            Session session = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            List<PendingMessage> messages;
            lock (session.Gate)
            {
                session.Queued = false;
                if (session.Locked || session.Inbox.Count == 0 || !_partitions.Owns(session.Partition))
                {
                    continue;
                }

                session.Locked = true;
                messages = [.. session.Inbox];
            }

            try
            {
                // A start for another execution than the cached one means the instance was re-created: reload.
                if (!session.Loaded || messages.Any(m => m.Message.Event is ExecutionStartedEvent s && s.ExecutionId != session.State?.ExecutionId
                    && session.State?.RuntimeStatus != OrchestrationRuntimeStatus.Pending))
                {
                    await LoadAsync(session, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Could not load instance {InstanceId}; retrying.", session.InstanceId);
                Release(session, TimeSpan.FromSeconds(1));
                continue;
            }

            // Queues do not keep order: hold events for an instance whose start has not arrived yet.
            if (session.History.Count == 0 && session.State is { RuntimeStatus: OrchestrationRuntimeStatus.Pending }
                && !messages.Any(m => m.Message.Event is ExecutionStartedEvent or ExecutionTerminatedEvent))
            {
                Release(session, delay: null, requeue: false);
                continue;
            }

            session.LastUsed = _time.GetTimestamp();
            return new OrchestrationWorkItem
            {
                InstanceId = session.InstanceId,
                Instance = session.State,
                History = session.History,
                Messages = [.. messages.Select(m => m.Message)],
                LockToken = new SessionLock(session, messages),
            };
        }
    }

    /// <inheritdoc/>
    public async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default)
    {
        var (session, consumed) = (SessionLock)workItem.LockToken!;
        OrchestrationMetadata? before = session.State;
        var outbox = new List<(string Key, Envelope Envelope)>();
        foreach (ActivityRequest request in commit.ActivityRequests)
        {
            string key = Rows.NewOwnOutboxKey();
            outbox.Add((key, new Envelope { Activity = request, OutboxKey = key }));
        }

        foreach (OrchestrationMessage message in commit.Messages)
        {
            // Work for this instance itself (timers) is recorded in its own row; the consuming commit clears it.
            bool self = message.InstanceId == session.InstanceId;
            string key = self ? Rows.NewOwnOutboxKey() : Rows.NewForeignOutboxKey();
            outbox.Add((key, new Envelope { Message = message, OutboxKey = self ? key : null }));
        }

        List<string> consumedKeys = [.. consumed.Where(m => m.OutboxKey is not null).Select(m => m.OutboxKey!)];
        try
        {
            // A commit that only consumed messages still clears their outbox entries.
            if ((commit.Instance ?? (consumedKeys.Count > 0 || outbox.Count > 0 ? session.State : null)) is { } state)
            {
                List<HistoryEvent> history = commit.ReplacesHistory ? [.. commit.NewEvents] : [.. session.History, .. commit.NewEvents];
                var batch = new CommitBatch(state, commit.NewEvents, commit.ReplacesHistory, outbox, consumedKeys, session.Row is null ? null : session.State);
                session.Row = await _store.CommitAsync(session.InstanceId, session.Row, batch, history, session.Partition, cancellationToken)
                    .ConfigureAwait(false);
                session.History = history;
                session.State = state;
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another owner wrote the instance (split brain or a lease that moved): our view is stale.
            session.Loaded = false;
            throw new InvalidOperationException($"Instance '{session.InstanceId}' was changed by another worker; the episode is discarded.", ex);
        }

        foreach (string key in consumedKeys)
        {
            _dispatched.TryRemove(DispatchKey(session.InstanceId, key), out _);
        }

        // One pass by reference: removing one by one is quadratic in a large fan-in.
        var done = new HashSet<PendingMessage>(consumed, ReferenceEqualityComparer.Instance);
        lock (session.Gate)
        {
            session.Inbox.RemoveAll(done.Contains);
            session.Abandons = 0;
        }

        await AfterCommitAsync(session, before, commit, consumed, outbox, cancellationToken).ConfigureAwait(false);
        Release(session, delay: null);
        EvictIdleSessions();
    }

    /// <inheritdoc/>
    public async Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default)
    {
        var (session, consumed) = (SessionLock)workItem.LockToken!;
        session.Loaded = false;
        int abandons;
        lock (session.Gate)
        {
            abandons = ++session.Abandons;
        }

        if (abandons >= _hub.Options.MaxDequeueCount)
        {
            await PoisonSessionAsync(session, consumed, $"its episode failed {abandons} times in a row", cancellationToken).ConfigureAwait(false);
            Release(session, delay: null);
            return;
        }

        // Back off so that a failing instance does not spin.
        Release(session, TimeSpan.FromMilliseconds(100 * abandons));
    }

    private async Task AfterCommitAsync(Session session, OrchestrationMetadata? before, OrchestrationCommit commit, IReadOnlyList<PendingMessage> consumed,
        List<(string Key, Envelope Envelope)> outbox, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        foreach (PendingMessage message in consumed)
        {
            if (message.Queue is { } receipt)
            {
                work.Add(DeleteQueueMessageAsync(receipt));
            }

            if (message.ForeignOutbox is { } foreign)
            {
                work.Add(CleanUpAsync(() => _store.DeleteOutboxAsync(foreign.InstanceId, foreign.Key, CancellationToken.None)));
            }
        }

        foreach ((string key, Envelope envelope) in outbox)
        {
            work.Add(DispatchAsync(session.InstanceId, key, envelope, cancellationToken));
        }

        OrchestrationMetadata? after = commit.Instance;
        if (after is not null && (before is null || before.RuntimeStatus != after.RuntimeStatus || before.ExecutionId != after.ExecutionId))
        {
            work.Add(_store.UpsertIndexAsync(after, cancellationToken));
        }

        if (commit.ReplacesHistory && after is not null)
        {
            string executionId = after.ExecutionId;
            work.Add(CleanUpAsync(() => _store.DeleteStaleHistoryAsync(session.InstanceId, executionId, CancellationToken.None)));
        }

        await Task.WhenAll(work).ConfigureAwait(false);
    }

    private async Task LoadAsync(Session session, CancellationToken cancellationToken)
    {
        LoadedInstance loaded = await _store.LoadAsync(session.InstanceId, cancellationToken).ConfigureAwait(false);
        session.State = loaded.State;
        session.Row = loaded.Row;
        session.History = loaded.History;
        session.Loaded = true;

        // Work recorded in the outbox that this process has not dispatched: a commit whose outcome we
        // did not see, or a previous owner's. Dispatching it again is safe: receivers drop duplicates.
        foreach ((string key, Envelope envelope) in loaded.Outbox)
        {
            if (!_dispatched.ContainsKey(DispatchKey(session.InstanceId, key)))
            {
                await DispatchAsync(session.InstanceId, key, envelope, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Session SessionOf(string instanceId) =>
        _sessions.GetOrAdd(instanceId, id => new Session(id, PartitionOf(id)) { LastUsed = _time.GetTimestamp() });

    /// <summary>Adds messages to their instances' inboxes, then makes those instances ready.</summary>
    private void EnqueueAll(List<PendingMessage> messages)
    {
        var sessions = new List<Session>();
        foreach (PendingMessage message in messages)
        {
            sessions.Add(AddToInbox(message));
        }

        foreach (Session session in sessions.Distinct())
        {
            MarkReady(session);
        }
    }

    /// <summary>Adds a message to the instance's inbox and makes it ready.</summary>
    private void Enqueue(PendingMessage message) => MarkReady(AddToInbox(message));

    private Session AddToInbox(PendingMessage message)
    {
        while (true)
        {
            Session session = SessionOf(message.Message.InstanceId);
            lock (session.Gate)
            {
                // Eviction removes sessions under their gate: re-check that this one is still the instance's.
                if (!_sessions.TryGetValue(session.InstanceId, out Session? current) || current != session)
                {
                    continue;
                }

                session.Inbox.Add(message);
            }

            return session;
        }
    }

    private void MarkReady(Session session)
    {
        lock (session.Gate)
        {
            if (session.Locked || session.Queued || session.Inbox.Count == 0)
            {
                return;
            }

            session.Queued = true;
        }

        _ready.Writer.TryWrite(session);
    }

    private void Release(Session session, TimeSpan? delay, bool requeue = true)
    {
        lock (session.Gate)
        {
            session.Locked = false;
        }

        if (!requeue)
        {
            return;
        }

        if (delay is { } wait)
        {
            _ = Task.Delay(wait, _time, _stopping.Token).ContinueWith(_ => MarkReady(session), TaskScheduler.Default);
        }
        else
        {
            MarkReady(session);
        }
    }

    /// <summary>Forgets the cached state of an instance (re-created or purged by a client of this process).</summary>
    private void Invalidate(string instanceId)
    {
        if (_sessions.TryGetValue(instanceId, out Session? session))
        {
            session.Loaded = false;
        }
    }

    private void EvictIdleSessions()
    {
        int max = _hub.Options.MaxCachedInstances;
        if (_sessions.Count <= max + max / 10)
        {
            return;
        }

        // Idle instances (a wizard waiting for a person) must not live in memory: drop the least recently used.
        foreach (Session session in _sessions.Values.OrderBy(s => s.LastUsed).Take(_sessions.Count - max))
        {
            lock (session.Gate)
            {
                if (session.Locked || session.Queued || session.Inbox.Count > 0)
                {
                    continue;
                }

                _sessions.TryRemove(new KeyValuePair<string, Session>(session.InstanceId, session));
            }
        }
    }
}
