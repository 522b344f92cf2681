using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Activity work items: run here when this process scheduled them, else through the shared work-item queue.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    /// <inheritdoc/>
    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        ActivityItem item = await _activities.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (item.QueueMessageId is null)
        {
            Interlocked.Decrement(ref _localActivityBacklog);
            item = item with { DequeueCount = item.DequeueCount + 1 }; // a queue counts its deliveries itself
        }
        else
        {
            _workItemsWake.Release();
        }

        return new ActivityWorkItem { Request = item.Request, DequeueCount = (int)Math.Max(1, item.DequeueCount), LockToken = item };
    }

    /// <inheritdoc/>
    public async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, OrchestrationMessage result, CancellationToken cancellationToken = default)
    {
        var item = (ActivityItem)workItem.LockToken!;
        await DeliverActivityResultAsync(item, result, cancellationToken).ConfigureAwait(false);
        if (item.QueueMessageId is { } id)
        {
            await CleanUpAsync(() => _hub.WorkItems.DeleteMessageAsync(id, item.PopReceipt, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default)
    {
        var item = (ActivityItem)workItem.LockToken!;
        if (item.QueueMessageId is { } id)
        {
            await CleanUpAsync(() => _hub.WorkItems.UpdateMessageAsync(id, item.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None))
                .ConfigureAwait(false);
        }
        else if (!_stopping.IsCancellationRequested)
        {
            await DispatchActivityAsync(item, cancellationToken).ConfigureAwait(false);
        }

        // A local item abandoned at shutdown stays in the outbox; the partition's next owner dispatches it again.
    }

    private async Task DispatchActivityAsync(ActivityItem item, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _localActivityBacklog) <= _hub.Options.MaxLocalActivityBacklog)
        {
            _activities.Writer.TryWrite(item);
            return;
        }

        // Busy here: let any worker take it.
        Interlocked.Decrement(ref _localActivityBacklog);
        var envelope = new Envelope { Activity = item.Request, OutboxKey = item.OutboxKey };
        string body = (await _payloads.OffloadAsync(item.Request.InstanceId, envelope.ToJson(), cancellationToken).ConfigureAwait(false))!;
        await _hub.WorkItems.SendMessageAsync(body, null, TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
        _workItemsWake.Release(); // this process may have room for it soon: do not wait for the idle back-off
    }

    private async Task DeliverActivityResultAsync(ActivityItem item, OrchestrationMessage result, CancellationToken cancellationToken)
    {
        int partition = PartitionOf(result.InstanceId);
        if (_partitions.Owns(partition))
        {
            Enqueue(new PendingMessage(result, null, item.OutboxKey, null));
            return;
        }

        await SendToControlQueueAsync(partition, new Envelope { Message = result, OutboxKey = item.OutboxKey }, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task PollWorkItemsAsync(CancellationToken stopping)
    {
        TimeSpan idle = TimeSpan.FromMilliseconds(10);
        while (!stopping.IsCancellationRequested)
        {
            int room = 16 - _activities.Reader.Count;
            QueueMessage[] received = [];
            if (room > 0)
            {
                try
                {
                    received = (await _hub.WorkItems.ReceiveMessagesAsync(Math.Min(room, 32), _hub.Options.MessageVisibilityTimeout, stopping)
                        .ConfigureAwait(false)).Value;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(ex, "Receiving from the work-item queue failed; retrying.");
                }
            }

            foreach (QueueMessage message in received)
            {
                await AcceptWorkItemAsync(message, stopping).ConfigureAwait(false);
            }

            if (received.Length > 0)
            {
                idle = TimeSpan.FromMilliseconds(10);
                continue;
            }

            try
            {
                await _workItemsWake.WaitAsync(room > 0 ? idle : TimeSpan.FromMilliseconds(10), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Back off only when the queue was found empty, not when there was no room to take from it.
            if (room > 0)
            {
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _hub.Options.MaxPollingInterval.Ticks));
            }
        }
    }

    private async Task AcceptWorkItemAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        Envelope envelope;
        try
        {
            envelope = Envelope.FromJson((await _payloads.ResolveAsync(message.Body.ToString(), cancellationToken).ConfigureAwait(false))!);
            _ = envelope.Activity ?? throw new FormatException("A work-item message must carry an activity request.");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            _logger.LogError("Unreadable work-item message {MessageId} moved to the poison table: {Error}", message.MessageId, ex.Message);
            await _hub.Poison.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("workitems", message.MessageId)
            {
                ["Body"] = message.Body.ToString() is { Length: <= 30_000 } b ? b : "(too large)",
                ["Reason"] = ex.Message,
            }, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            await CleanUpAsync(() => _hub.WorkItems.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None)).ConfigureAwait(false);
            return;
        }

        ActivityRequest request = envelope.Activity!;
        var item = new ActivityItem(request, envelope.OutboxKey, message.MessageId, message.PopReceipt, message.DequeueCount);
        if (message.DequeueCount > _hub.Options.MaxDequeueCount)
        {
            // It kept crashing workers: fail the task (the orchestrator sees a TaskFailedException it can handle).
            var failure = new FailureDetails("PoisonMessage",
                $"Activity '{request.Scheduled.Name}' (task {request.Scheduled.TaskId}) was delivered {message.DequeueCount} times without completing; " +
                $"work-item message {message.MessageId} was moved to {_hub.Poison.Name}.");
            await _hub.Poison.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(request.InstanceId, message.MessageId)
            {
                ["Body"] = message.Body.ToString() is { Length: <= 30_000 } b ? b : "(too large)",
                ["Reason"] = failure.ErrorMessage,
            }, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            var result = new OrchestrationMessage(request.InstanceId, new TaskFailedEvent(request.Scheduled.TaskId, failure)
            {
                Timestamp = _time.GetUtcNow().UtcDateTime,
            }) { ExecutionId = request.ExecutionId };
            await CompleteActivityWorkItemAsync(new ActivityWorkItem { Request = request, LockToken = item }, result, cancellationToken).ConfigureAwait(false);
            return;
        }

        _activities.Writer.TryWrite(item);
    }
}
