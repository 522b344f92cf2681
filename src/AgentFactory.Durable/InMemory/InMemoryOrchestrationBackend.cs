using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.InMemory;

/// <summary>
/// A backend that keeps everything in process memory: for unit tests, samples and benchmarks of the
/// engine alone. One lock guards all state; waiting workers are woken by a signal or by the next due timer.
/// </summary>
public sealed partial class InMemoryOrchestrationBackend(TimeProvider? timeProvider = null) : IOrchestrationBackend
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly object _gate = new();
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly PriorityQueue<string, DateTime> _delayed = new();
    private readonly LinkedList<ActivityEntry> _activities = new();
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Number of instances stored (a test and benchmark aid).</summary>
    public int InstanceCount
    {
        get
        {
            lock (_gate)
            {
                return _instances.Count;
            }
        }
    }

    /// <inheritdoc/>
    public Task CreateInstanceAsync(OrchestrationMetadata instance, OrchestrationMessage start, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(instance.InstanceId, out InstanceRecord? existing) && existing.State is { IsRunning: true } state)
            {
                throw new OrchestrationAlreadyExistsException(
                    $"An orchestration with instance id '{instance.InstanceId}' already exists and is {state.RuntimeStatus}.");
            }

            var record = new InstanceRecord { State = instance };
            _instances[instance.InstanceId] = record;
            Enqueue(record, instance.InstanceId, start);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(message.InstanceId, out InstanceRecord? record))
            {
                throw new OrchestrationNotFoundException($"No orchestration with instance id '{message.InstanceId}' exists.");
            }

            Enqueue(record, message.InstanceId, message);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_instances.TryGetValue(instanceId, out InstanceRecord? record) ? record.State : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<HistoryEvent> history = _instances.TryGetValue(instanceId, out InstanceRecord? record) ? [.. record.History] : [];
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc/>
    public Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        (DateTime CreatedAt, string Id)? after = ContinuationToken.Parse(query.ContinuationToken);
        lock (_gate)
        {
            List<OrchestrationMetadata> page = _instances.Values
                .Select(r => r.State)
                .OfType<OrchestrationMetadata>()
                .Where(query.Matches)
                .Where(s => after is null || (s.CreatedAt, s.InstanceId).CompareTo(after.Value) > 0)
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.InstanceId, StringComparer.Ordinal)
                .Take(query.PageSize + 1)
                .Select(s => query.FetchInputsAndOutputs ? s : s.WithoutPayloads())
                .ToList();
            string? next = null;
            if (page.Count > query.PageSize)
            {
                page.RemoveAt(page.Count - 1);
                next = ContinuationToken.Format(page[^1].CreatedAt, page[^1].InstanceId);
            }

            return Task.FromResult(new OrchestrationQueryResult(page, next));
        }
    }

    /// <inheritdoc/>
    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out InstanceRecord? record))
            {
                return Task.FromResult(false);
            }

            if (record.State is { IsRunning: true } state)
            {
                throw new OrchestrationStateException(
                    $"Instance '{instanceId}' is {state.RuntimeStatus}; only Completed, Failed or Terminated instances can be purged. Terminate it first.");
            }

            Remove(instanceId);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        var query = new OrchestrationQuery { CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, Statuses = filter.Statuses };
        lock (_gate)
        {
            List<string> ids = _instances.Values
                .Select(r => r.State)
                .OfType<OrchestrationMetadata>()
                .Where(s => s.IsCompleted && query.Matches(s))
                .Select(s => s.InstanceId)
                .ToList();
            ids.ForEach(Remove);
            return Task.FromResult(ids.Count);
        }
    }

    private void Remove(string instanceId)
    {
        _instances.Remove(instanceId);
        for (LinkedListNode<ActivityEntry>? node = _activities.First; node is not null;)
        {
            LinkedListNode<ActivityEntry>? next = node.Next;
            if (node.Value.Request.InstanceId == instanceId)
            {
                _activities.Remove(node);
            }

            node = next;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal()
    {
        TaskCompletionSource changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private sealed class InstanceRecord
    {
        public OrchestrationMetadata? State { get; set; }

        public List<HistoryEvent> History { get; set; } = [];

        public List<OrchestrationMessage> Inbox { get; } = [];

        public bool Locked { get; set; }
    }

    private sealed class ActivityEntry(ActivityRequest request)
    {
        public ActivityRequest Request { get; } = request;

        public bool Locked { get; set; }

        public int DequeueCount { get; set; }
    }
}
