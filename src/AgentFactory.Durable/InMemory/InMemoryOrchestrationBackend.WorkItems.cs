using AgentFactory.Durable.Backend;

namespace AgentFactory.Durable.InMemory;

/// <summary>Work-item side of the in-memory backend: locking, committing and abandoning.</summary>
public sealed partial class InMemoryOrchestrationBackend
{
    /// <inheritdoc/>
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            DateTime? nextDue;
            lock (_gate)
            {
                PromoteDueMessages();
                while (_ready.TryDequeue(out string? instanceId))
                {
                    if (_instances.TryGetValue(instanceId, out InstanceRecord? record) && !record.Locked && Visible(record).Count > 0)
                    {
                        record.Locked = true;
                        return new OrchestrationWorkItem
                        {
                            InstanceId = instanceId,
                            Instance = record.State,
                            History = [.. record.History],
                            Messages = Visible(record),
                        };
                    }
                }

                changed = _changed.Task;
                nextDue = _delayed.TryPeek(out _, out DateTime due) ? due : null;
            }

            await WaitAsync(changed, nextDue, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(workItem.InstanceId, out InstanceRecord? record))
            {
                return Task.CompletedTask; // purged while locked
            }

            if (commit.ReplacesHistory)
            {
                record.History = [.. commit.NewEvents];
            }
            else
            {
                record.History.AddRange(commit.NewEvents);
            }

            record.State = commit.Instance ?? record.State;
            foreach (OrchestrationMessage consumed in workItem.Messages)
            {
                record.Inbox.Remove(consumed);
            }

            foreach (ActivityRequest request in commit.ActivityRequests)
            {
                _activities.AddLast(new ActivityEntry(request));
            }

            foreach (OrchestrationMessage message in commit.Messages)
            {
                Deliver(message);
            }

            Unlock(record, workItem.InstanceId);
            Signal();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(workItem.InstanceId, out InstanceRecord? record))
            {
                Unlock(record, workItem.InstanceId);
                Signal();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (LinkedListNode<ActivityEntry>? node = _activities.First; node is not null; node = node.Next)
                {
                    if (!node.Value.Locked)
                    {
                        node.Value.Locked = true;
                        node.Value.DequeueCount++;
                        return new ActivityWorkItem { Request = node.Value.Request, DequeueCount = node.Value.DequeueCount, LockToken = node };
                    }
                }

                changed = _changed.Task;
            }

            await WaitAsync(changed, null, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, OrchestrationMessage result, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var node = (LinkedListNode<ActivityEntry>)workItem.LockToken!;
            if (node.List is not null)
            {
                _activities.Remove(node);
                Deliver(result);
                Signal();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ((LinkedListNode<ActivityEntry>)workItem.LockToken!).Value.Locked = false;
            Signal();
        }

        return Task.CompletedTask;
    }

    private async Task WaitAsync(Task changed, DateTime? due, CancellationToken cancellationToken)
    {
        // Task.WaitAsync returns an already completed task without looking at the token, and with a
        // cancelled token the delay below completes at once: without this check a caller whose token was
        // cancelled between two waits (a stopping worker) spins in its lock loop forever, synchronously,
        // and later takes work from the running workers.
        cancellationToken.ThrowIfCancellationRequested();
        DateTime now = _time.GetUtcNow().UtcDateTime;
        if (due is { } at && at <= now)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task timer = due is { } d ? Task.Delay(d - now, _time, cts.Token) : Task.Delay(Timeout.Infinite, cts.Token);

        // A clock that moves between reading the time and arming the timer (a fake clock a test advances)
        // leaves the timer due too late; once armed, a look at the clock catches that.
        if (due is not { } dueAt || _time.GetUtcNow().UtcDateTime < dueAt)
        {
            await Task.WhenAny(changed, timer).WaitAsync(cancellationToken);
        }

        await cts.CancelAsync();
    }

    /// <summary>Delivers a message produced by an episode or an activity (caller holds the lock).</summary>
    private void Deliver(OrchestrationMessage message)
    {
        if (!_instances.TryGetValue(message.InstanceId, out InstanceRecord? record))
        {
            if (message.Event is not History.ExecutionStartedEvent)
            {
                return; // an event for an instance that does not exist is dropped, as in Durable Functions
            }

            _instances[message.InstanceId] = record = new InstanceRecord();
        }

        if (message.Event is History.ExecutionStartedEvent started && record.State is { IsCompleted: true } or null)
        {
            // A sub-orchestration start creates the child, or replaces a finished one with the same id.
            record.History = [];
            record.Inbox.Clear();
            record.State = new OrchestrationMetadata(started.Name, message.InstanceId)
            {
                ExecutionId = started.ExecutionId,
                RuntimeStatus = OrchestrationRuntimeStatus.Pending,
                CreatedAt = started.Timestamp,
                LastUpdatedAt = started.Timestamp,
                SerializedInput = started.Input,
                Tags = started.Tags,
                ParentInstanceId = started.Parent?.InstanceId,
            };
        }

        Enqueue(record, message.InstanceId, message);
    }

    private void Enqueue(InstanceRecord record, string instanceId, OrchestrationMessage message)
    {
        record.Inbox.Add(message);
        if (message.VisibleAt is { } at && at > _time.GetUtcNow().UtcDateTime)
        {
            _delayed.Enqueue(instanceId, at);
        }
        else
        {
            _ready.Enqueue(instanceId);
        }

        Signal();
    }

    private void PromoteDueMessages()
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        while (_delayed.TryPeek(out string? instanceId, out DateTime due) && due <= now)
        {
            _delayed.Dequeue();
            _ready.Enqueue(instanceId);
        }
    }

    private List<OrchestrationMessage> Visible(InstanceRecord record)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        return record.Inbox.Where(m => m.VisibleAt is null || m.VisibleAt <= now).ToList();
    }

    private void Unlock(InstanceRecord record, string instanceId)
    {
        record.Locked = false;
        if (Visible(record).Count > 0)
        {
            _ready.Enqueue(instanceId);
        }
    }
}
