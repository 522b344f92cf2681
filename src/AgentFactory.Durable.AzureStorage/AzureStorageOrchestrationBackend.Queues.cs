using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Control queues: partition readers, dispatching outgoing work, timers, poison messages.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private Task OnPartitionAcquiredAsync(int partition)
    {
        var reader = new PartitionReader(partition);
        _readers[partition] = reader;
        reader.Loop = Task.Run(() => ReadPartitionAsync(reader), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnPartitionLostAsync(int partition)
    {
        if (_readers.TryRemove(partition, out PartitionReader? reader))
        {
            await reader.Stop.CancelAsync().ConfigureAwait(false);
            if (reader.Loop is { } loop)
            {
                await loop.ConfigureAwait(false);
            }
        }

        // Hand the partition's waiting messages back to the queue at once rather than after their visibility timeout.
        foreach (Session session in _sessions.Values.Where(s => s.Partition == partition))
        {
            List<PendingMessage> pending;
            lock (session.Gate)
            {
                pending = [.. session.Inbox];
                session.Inbox.Clear();
                session.Loaded = false;
            }

            foreach (QueueReceipt receipt in pending.Select(p => p.Queue).OfType<QueueReceipt>())
            {
                await CleanUpAsync(() => _hub.Control[receipt.Partition].UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt,
                    visibilityTimeout: TimeSpan.Zero)).ConfigureAwait(false);
            }

            _sessions.TryRemove(new KeyValuePair<string, Session>(session.InstanceId, session));
        }
    }

    private async Task ReadPartitionAsync(PartitionReader reader)
    {
        CancellationToken stop = reader.Stop.Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _stopping.Token);
        try
        {
            await RecoverOutboxAsync(reader.Partition, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The partition is being given up (or the worker stops) mid-recovery: its next owner recovers it.
            return;
        }
        catch (Exception ex) when (!linked.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Outbox recovery of partition {Partition} failed; instances recover when they next receive a message.", reader.Partition);
        }

        TimeSpan idle = TimeSpan.FromMilliseconds(10);
        while (!linked.IsCancellationRequested)
        {
            QueueMessage[] received;
            try
            {
                received = (await _hub.Control[reader.Partition].ReceiveMessagesAsync(32, _hub.Options.MessageVisibilityTimeout, linked.Token)
                    .ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Receiving from control queue {Partition} failed; retrying.", reader.Partition);
                received = [];
            }

            // The whole batch goes into the inboxes before any instance is marked ready, so that an
            // episode takes all of its instance's messages at once.
            var accepted = new List<PendingMessage>(received.Length);
            foreach (QueueMessage message in received)
            {
                try
                {
                    if (await AcceptAsync(reader.Partition, message, linked.Token).ConfigureAwait(false) is { } pending)
                    {
                        accepted.Add(pending);
                    }
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested)
                {
                    // Stopping: the rest stay invisible until their visibility timeout and are read again.
                    break;
                }
                catch (Exception ex) when (!linked.IsCancellationRequested)
                {
                    // Left invisible: it comes back after its visibility timeout and is poisoned by its dequeue count.
                    _logger.LogWarning(ex, "Control-queue message {MessageId} could not be accepted.", message.MessageId);
                }
            }

            EnqueueAll(accepted);

            if (received.Length > 0)
            {
                idle = TimeSpan.FromMilliseconds(10);
                continue;
            }

            // Adaptive polling: back off while idle; a local send to this partition wakes the reader at once.
            try
            {
                await reader.Wake.WaitAsync(idle, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _hub.Options.MaxPollingInterval.Ticks));
        }
    }

    private async Task<PendingMessage?> AcceptAsync(int partition, QueueMessage message, CancellationToken cancellationToken)
    {
        var receipt = new QueueReceipt(partition, message.MessageId, message.PopReceipt, message.DequeueCount);
        Envelope envelope;
        try
        {
            string json = (await _payloads.ResolveAsync(message.Body.ToString(), cancellationToken).ConfigureAwait(false))!;
            envelope = Envelope.FromJson(json);
            if (envelope.Message is not { InstanceId.Length: > 0, Event: not null })
            {
                throw new FormatException("A control-queue message must carry an orchestration message with an instance id and an event.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await PoisonAsync(receipt, null, message.Body.ToString(), $"it cannot be read: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (message.DequeueCount > _hub.Options.MaxDequeueCount)
        {
            await PoisonAsync(receipt, envelope, message.Body.ToString(), $"it was delivered {message.DequeueCount} times without being processed",
                cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (envelope.DueAt is { } due && due > _time.GetUtcNow().UtcDateTime)
        {
            // A timer beyond the queue's 7-day visibility limit: send the next link of the chain.
            await SendToControlQueueAsync(partition, envelope, due, cancellationToken).ConfigureAwait(false);
            await DeleteQueueMessageAsync(receipt).ConfigureAwait(false);
            return null;
        }

        var pending = new PendingMessage(envelope.Message!, receipt, envelope.OutboxKey, null);
        if (envelope.Message!.VisibleAt is { } visibleAt && visibleAt > _time.GetUtcNow().UtcDateTime)
        {
            // Queue visibility has whole-second resolution (Azurite truncates): hold the rest here.
            _ = Task.Delay(visibleAt - _time.GetUtcNow().UtcDateTime, _time, _stopping.Token)
                .ContinueWith(_ => Enqueue(pending), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return null;
        }

        return pending;
    }

    private async Task RecoverOutboxAsync(int partition, CancellationToken cancellationToken)
    {
        int recovered = 0;
        await foreach (var (instanceId, key, envelope) in _store.ScanOutboxAsync(partition, cancellationToken).ConfigureAwait(false))
        {
            if (!_dispatched.ContainsKey(DispatchKey(instanceId, key)))
            {
                await DispatchAsync(instanceId, key, envelope, cancellationToken).ConfigureAwait(false);
                recovered++;
            }
        }

        if (recovered > 0)
        {
            _logger.LogInformation("Partition {Partition}: re-dispatched {Count} outbox entries left by a previous owner.", partition, recovered);
        }
    }

    /// <summary>Sends work recorded in <paramref name="sourceInstanceId"/>'s outbox row <paramref name="key"/> on its way.</summary>
    private async Task DispatchAsync(string sourceInstanceId, string key, Envelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await DispatchOnceAsync(sourceInstanceId, key, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Not sent: the outbox entry is still the durable record. Forget that it was dispatched and try again.
            _dispatched.TryRemove(DispatchKey(sourceInstanceId, key), out _);
            _logger.LogWarning(ex, "Dispatching outbox entry {Key} of {InstanceId} failed; retrying.", key, sourceInstanceId);
            _ = Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token).ContinueWith(async _ =>
            {
                if (_partitions.Owns(PartitionOf(sourceInstanceId)) && !_dispatched.ContainsKey(DispatchKey(sourceInstanceId, key)))
                {
                    await DispatchAsync(sourceInstanceId, key, envelope, _stopping.Token).ConfigureAwait(false);
                }
            }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private async Task DispatchOnceAsync(string sourceInstanceId, string key, Envelope envelope, CancellationToken cancellationToken)
    {
        _dispatched[DispatchKey(sourceInstanceId, key)] = 0;
        if (envelope.Activity is { } request)
        {
            await DispatchActivityAsync(new ActivityItem(request, key, null, null, 0), cancellationToken).ConfigureAwait(false);
            return;
        }

        OrchestrationMessage message = envelope.Message!;
        int partition = PartitionOf(message.InstanceId);
        bool self = message.InstanceId == sourceInstanceId;
        bool due = message.VisibleAt is not { } at || at <= _time.GetUtcNow().UtcDateTime;
        // A child is created at once, as a client would create it, so that it is visible while Pending.
        if (!self && message.Event is ExecutionStartedEvent start && await CreateChildAsync(message, start, cancellationToken).ConfigureAwait(false))
        {
            // The child's own row now records its start (and its queue message is sent): the sender's record can go.
            await CleanUpAsync(() => _store.DeleteOutboxAsync(sourceInstanceId, key, CancellationToken.None)).ConfigureAwait(false);
            _dispatched.TryRemove(DispatchKey(sourceInstanceId, key), out _);
            return;
        }

        if (due && _partitions.Owns(partition))
        {
            Enqueue(new PendingMessage(message, null, self ? key : null, self ? null : (sourceInstanceId, key)));
            return;
        }

        await SendToControlQueueAsync(partition, envelope with { OutboxKey = self ? key : null }, message.VisibleAt, cancellationToken).ConfigureAwait(false);
        if (!self)
        {
            // Delivered to the target's queue; the sender's record is no longer needed.
            await CleanUpAsync(() => _store.DeleteOutboxAsync(sourceInstanceId, key, CancellationToken.None)).ConfigureAwait(false);
            _dispatched.TryRemove(DispatchKey(sourceInstanceId, key), out _);
        }
    }

    /// <summary>
    /// Creates a sub-orchestration as a client would (Pending status row, start in its own outbox, index,
    /// queue message), so it is visible at once. False when the child is already running: its owner refuses the start.
    /// </summary>
    private async Task<bool> CreateChildAsync(OrchestrationMessage message, ExecutionStartedEvent start, CancellationToken cancellationToken)
    {
        OrchestrationMetadata child = OrchestrationMetadata.Pending(message.InstanceId, start);
        // A start dispatched again after a crash must not re-run a child that already ran.
        if ((await _store.ReadStatusAsync(child.InstanceId, cancellationToken).ConfigureAwait(false))?.State.ExecutionId == start.ExecutionId)
        {
            return true;
        }

        try
        {
            await CreateInstanceAsync(child, message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Running, or a redelivered start whose child already exists: the child's owner sorts it out.
            return false;
        }
    }

    private async Task SendToControlQueueAsync(int partition, Envelope envelope, DateTime? visibleAt, CancellationToken cancellationToken)
    {
        TimeSpan delay = visibleAt is { } at ? at - _time.GetUtcNow().UtcDateTime : TimeSpan.Zero;
        if (delay > MaxQueueDelay)
        {
            envelope = envelope with { DueAt = visibleAt };
            delay = MaxQueueDelay;
        }

        string body = (await _payloads.OffloadAsync(envelope.InstanceId, envelope.ToJson(), cancellationToken).ConfigureAwait(false))!;
        // Whole seconds, rounded up: the service truncates, and a timer must never fire early.
        TimeSpan? visibility = delay > TimeSpan.Zero ? TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)) : null;
        await _hub.Control[partition].SendMessageAsync(body, visibility, TimeSpan.FromSeconds(-1), cancellationToken)
            .ConfigureAwait(false);
        if (delay <= TimeSpan.Zero && _readers.TryGetValue(partition, out PartitionReader? reader))
        {
            reader.Wake.Release();
        }
    }

    private async Task DeleteQueueMessageAsync(QueueReceipt receipt)
    {
        try
        {
            await _hub.Control[receipt.Partition].DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Redelivered meanwhile (its pop receipt changed); the copy is dropped as a duplicate.
        }
    }

    /// <summary>Moves a message that keeps failing aside and fails its instance with a reason that names the message.</summary>
    private async Task PoisonAsync(QueueReceipt receipt, Envelope? envelope, string body, string why, CancellationToken cancellationToken)
    {
        string instanceId = envelope?.InstanceId ?? "unknown";
        string what = envelope?.Message?.Event.GetType().Name.Replace("Event", "", StringComparison.Ordinal) ?? "unreadable message";
        string reason = $"Control-queue message {receipt.MessageId} ({what}) was moved to {_hub.Poison.Name} because {why}.";
        _logger.LogError("Poison message for instance {InstanceId}: {Reason}", instanceId, reason);
        await _hub.Poison.UpsertEntityAsync(new TableEntity(instanceId, receipt.MessageId)
        {
            ["Body"] = body.Length > 30_000 ? body[..30_000] : body,
            ["Reason"] = reason,
            ["Queue"] = _hub.Control[receipt.Partition].Name,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        if (envelope is not null)
        {
            await FailInstanceAsync(instanceId, reason, cancellationToken).ConfigureAwait(false);
        }

        await DeleteQueueMessageAsync(receipt).ConfigureAwait(false);
    }

    private async Task PoisonSessionAsync(Session session, IReadOnlyList<PendingMessage> messages, string why, CancellationToken cancellationToken)
    {
        string reason = $"Instance '{session.InstanceId}' was failed because {why}; its {messages.Count} pending message(s) were moved to {_hub.Poison.Name}.";
        foreach (PendingMessage message in messages)
        {
            string id = message.Queue?.MessageId ?? Guid.NewGuid().ToString("N");
            await _hub.Poison.UpsertEntityAsync(new TableEntity(session.InstanceId, id)
            {
                ["Body"] = new Envelope { Message = message.Message }.ToJson() is { Length: <= 30_000 } json ? json : "(too large)",
                ["Reason"] = reason,
            }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (message.Queue is { } receipt)
            {
                await DeleteQueueMessageAsync(receipt).ConfigureAwait(false);
            }
        }

        lock (session.Gate)
        {
            foreach (PendingMessage message in messages)
            {
                session.Inbox.Remove(message);
            }
        }

        await FailInstanceAsync(session.InstanceId, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task FailInstanceAsync(string instanceId, string reason, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var status = await _store.ReadStatusAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (status is not { State.IsRunning: true } current)
            {
                return;
            }

            DateTime now = _time.GetUtcNow().UtcDateTime;
            OrchestrationMetadata failed = current.State with
            {
                RuntimeStatus = OrchestrationRuntimeStatus.Failed,
                FailureDetails = new FailureDetails("PoisonMessage", reason),
                LastUpdatedAt = now,
                CompletedAt = now,
            };
            try
            {
                await _store.MarkFailedAsync(failed, current.ETag, cancellationToken).ConfigureAwait(false);
                await _store.UpsertIndexAsync(failed, cancellationToken).ConfigureAwait(false);
                Invalidate(instanceId);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed meanwhile: read again.
            }
        }
    }
}
