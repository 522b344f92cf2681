using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// The engine's backend on Azure Storage: history and status in a table (one partition per
/// instance, committed atomically with the outbox), control queues partitioned by instance and owned
/// through blob leases, a shared work-item queue for activities, blobs for large payloads.
/// </summary>
/// <remarks>
/// Fast path: work this process can do itself is not sent through a queue. An activity scheduled by
/// an instance this process owns runs here and its result goes straight into the instance's next
/// episode; the outbox row written with the scheduling commit is the durable record, deleted by the
/// commit that consumes the result. After a crash, the partition's next owner re-dispatches every
/// outbox row it finds. Queues carry work between processes, timers and client requests.
/// </remarks>
public sealed partial class AzureStorageOrchestrationBackend : IOrchestrationBackend, IAsyncDisposable
{
    private readonly TaskHub _hub;
    private readonly InstanceStore _store;
    private readonly PayloadStore _payloads;
    private readonly PartitionManager _partitions;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Channel<Session> _ready = Channel.CreateUnbounded<Session>();
    private readonly Channel<ActivityItem> _activities = Channel.CreateUnbounded<ActivityItem>();
    private readonly ConcurrentDictionary<string, byte> _dispatched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, PartitionReader> _readers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly SemaphoreSlim _workItemsWake = new(0);
    private int _localActivityBacklog;
    private Task? _background;

    /// <summary>Creates the backend; nothing is contacted until first use.</summary>
    public AzureStorageOrchestrationBackend(AzureStorageOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        StorageRequests? requests = null)
    {
        Requests = requests ?? new StorageRequests();
        _hub = new TaskHub(options, Requests);
        _payloads = new PayloadStore(_hub);
        _store = new InstanceStore(_hub, _payloads);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AzureStorageOrchestrationBackend>();
        _time = timeProvider ?? TimeProvider.System;
        _partitions = new PartitionManager(_hub, _logger, OnPartitionAcquiredAsync, OnPartitionLostAsync);
    }

    /// <summary>Counts every storage request (and injects faults in tests).</summary>
    public StorageRequests Requests { get; }

    /// <summary>The options in force.</summary>
    public AzureStorageOptions Options => _hub.Options;

    /// <summary>Partitions this process owns now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => _partitions.Owned;

    /// <summary>Instances whose state is cached in memory now.</summary>
    public int CachedInstances => _sessions.Count;

    /// <summary>Creates the task hub's tables, queues and containers if they are missing.</summary>
    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => _hub.EnsureCreatedAsync(cancellationToken);

    /// <summary>Deletes the whole task hub (tests and tear-down).</summary>
    public Task DeleteTaskHubAsync(CancellationToken cancellationToken = default) => _hub.DeleteAsync(cancellationToken);

    /// <summary>Stops taking work and releases this worker's partitions so that others take them over at once.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_background is { } background)
        {
            await background.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <inheritdoc/>
    public async Task CreateInstanceAsync(OrchestrationMetadata instance, OrchestrationMessage start, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        int partition = PartitionOf(instance.InstanceId);
        string key = Rows.NewOwnOutboxKey();
        var envelope = new Envelope { Message = start, OutboxKey = key };

        // Insert first: a new id (the common case) costs one write, no read. Only an id in use is read.
        var existing = await _store.TryInsertAsync(instance, key, envelope, partition, cancellationToken).ConfigureAwait(false);
        if (existing is { State.IsRunning: true } running)
        {
            throw new OrchestrationAlreadyExistsException(
                $"An orchestration with instance id '{instance.InstanceId}' already exists and is {running.State.RuntimeStatus}.");
        }

        if (existing is { } old)
        {
            await _store.CreateAsync(instance, old.ETag, key, envelope, partition, cancellationToken).ConfigureAwait(false);
        }

        _dispatched[DispatchKey(instance.InstanceId, key)] = 0;
        Invalidate(instance.InstanceId);

        // The index row is inserted, never overwritten, so it may race the send: if the worker has already
        // indexed the instance as Running, the Pending insert finds the row and leaves it alone.
        await Task.WhenAll(
            _store.InsertIndexAsync(instance, cancellationToken),
            SendToControlQueueAsync(partition, envelope, start.VisibleAt, cancellationToken)).ConfigureAwait(false);
        if (existing is { } replaced)
        {
            await _store.DeleteIndexAsync(instance.InstanceId, replaced.State.CreatedAt, cancellationToken).ConfigureAwait(false);
            _ = CleanUpAsync(() => _store.DeleteStaleHistoryAsync(instance.InstanceId, instance.ExecutionId, CancellationToken.None));
        }
    }

    /// <inheritdoc/>
    public async Task SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (await _store.ReadStatusAsync(message.InstanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new OrchestrationNotFoundException($"No orchestration with instance id '{message.InstanceId}' exists.");
        }

        await SendToControlQueueAsync(PartitionOf(message.InstanceId), new Envelope { Message = message }, message.VisibleAt, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return (await _store.ReadStatusAsync(instanceId, cancellationToken).ConfigureAwait(false))?.State;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var status = await _store.ReadStatusAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return false;
        }

        if (status.Value.State.IsRunning)
        {
            throw new OrchestrationStateException(
                $"Instance '{instanceId}' is {status.Value.State.RuntimeStatus}; only Completed, Failed or Terminated instances can be purged. Terminate it first.");
        }

        await _store.PurgeAsync(instanceId, status.Value.State.CreatedAt, cancellationToken).ConfigureAwait(false);
        Invalidate(instanceId);
        return true;
    }

    /// <inheritdoc/>
    public async Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        int purged = 0;
        // Collected first: deleting index rows while paging through them would skip some.
        var ids = new List<string>();
        await foreach (string instanceId in _store.FindAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(instanceId);
        }

        foreach (string instanceId in ids)
        {
            // The index may lag: the status row decides.
            if (await _store.ReadStatusAsync(instanceId, cancellationToken).ConfigureAwait(false) is { State.IsCompleted: true } status)
            {
                await _store.PurgeAsync(instanceId, status.State.CreatedAt, cancellationToken).ConfigureAwait(false);
                Invalidate(instanceId);
                purged++;
            }
        }

        return purged;
    }

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_background is not null)
        {
            return;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_background is null)
            {
                await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                _background = Task.WhenAll(
                    Task.Run(() => _partitions.RunAsync(_stopping.Token), CancellationToken.None),
                    Task.Run(() => PollWorkItemsAsync(_stopping.Token), CancellationToken.None));
            }
        }
        finally
        {
            _startLock.Release();
        }
    }

    private int PartitionOf(string instanceId) => Partitioning.PartitionOf(instanceId, _hub.Options.PartitionCount);

    private static string DispatchKey(string instanceId, string outboxKey) => instanceId + "|" + outboxKey;

    private async Task CleanUpAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Clean-up is best effort: what is left is deleted by purge.
            _logger.LogDebug(ex, "Background clean-up failed.");
        }
    }
}
