using System.Collections.Concurrent;
using System.Diagnostics;
using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Bench;

/// <summary>What a commit did, as far as the storage scenarios care.</summary>
internal enum CommitKind
{
    /// <summary>The instance's first commit (Pending → Running): it is now waiting for its first activity or event.</summary>
    Running = 'R',

    /// <summary>The commit that finished the instance.</summary>
    Completed = 'C',

    /// <summary>A commit that consumed an external event.</summary>
    Event = 'E',
}

/// <summary>
/// Where commit moments land, from this process's workers and from child worker processes (Stopwatch timestamps
/// are CLOCK_MONOTONIC on Linux: comparable across processes on one machine).
/// </summary>
internal sealed class CommitBoard
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _completed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _events = new(StringComparer.Ordinal);
    private long _runningCount;

    public long RunningCount => Interlocked.Read(ref _runningCount);

    /// <summary>The timestamp of the instance's first commit (whenever it happened, before or after this call).</summary>
    public Task<long> WhenRunning(string instanceId) => Slot(_running, instanceId).Task;

    /// <summary>The timestamp of the instance's final commit (whenever it happened, before or after this call).</summary>
    public Task<long> WhenCompleted(string instanceId) => Slot(_completed, instanceId).Task;

    /// <summary>The timestamp of the next commit that consumes an event; call before raising it.</summary>
    public Task<long> WhenNextEvent(string instanceId)
    {
        var slot = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _events[instanceId] = slot;
        return slot.Task;
    }

    public void Record(CommitKind kind, string instanceId, long timestamp)
    {
        switch (kind)
        {
            case CommitKind.Running:
                if (Slot(_running, instanceId).TrySetResult(timestamp))
                {
                    Interlocked.Increment(ref _runningCount);
                }

                break;
            case CommitKind.Completed:
                Slot(_completed, instanceId).TrySetResult(timestamp);
                break;
            case CommitKind.Event:
                if (_events.TryRemove(instanceId, out TaskCompletionSource<long>? waiter))
                {
                    waiter.TrySetResult(timestamp);
                }

                break;
        }
    }

    private static TaskCompletionSource<long> Slot(ConcurrentDictionary<string, TaskCompletionSource<long>> slots, string instanceId) =>
        slots.GetOrAdd(instanceId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// Wraps the storage backend the worker uses and notes the moment each commit has landed (the merge answered),
/// so latencies are exact without polling storage (which would add load to the storage being measured).
/// </summary>
internal sealed class CommitTrackingBackend(IOrchestrationBackend inner, Action<CommitKind, string, long> record) : DelegatingOrchestrationBackend(inner)
{
    public override async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default)
    {
        await Inner.CompleteOrchestrationWorkItemAsync(workItem, commit, cancellationToken);
        long now = Stopwatch.GetTimestamp();
        if (commit.Instance is { } after)
        {
            if (after.RuntimeStatus == OrchestrationRuntimeStatus.Running && workItem.Instance?.RuntimeStatus is null or OrchestrationRuntimeStatus.Pending)
            {
                record(CommitKind.Running, workItem.InstanceId, now);
            }

            if (after.IsCompleted)
            {
                record(CommitKind.Completed, workItem.InstanceId, now);
            }
        }

        foreach (HistoryEvent e in commit.NewEvents)
        {
            if (e is EventRaisedEvent)
            {
                record(CommitKind.Event, workItem.InstanceId, now);
                break;
            }
        }
    }
}

/// <summary>
/// A worker as an application hosts it, over the Azure Storage backend: generic host, <c>AddDurableTask</c> with
/// default worker options, the backend created and stopped the way <c>AddAzureStorageDurableBackend</c> does
/// (created before the worker starts, its leases released after the worker stopped). Its <see cref="Client"/>
/// shares the worker's backend instance (the in-process path).
/// </summary>
internal sealed class StorageHost : IAsyncDisposable
{
    private readonly IHost _host;

    private StorageHost(IHost host, AzureStorageOrchestrationBackend backend, CountingLoggerProvider log)
    {
        _host = host;
        Backend = backend;
        Log = log;
        Kinds = StorageRequestKinds.Attach(backend);
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableTaskWorkerOptions>>().Value;
    }

    public AzureStorageOrchestrationBackend Backend { get; }

    public DurableTaskClient Client { get; }

    public DurableTaskWorkerOptions Options { get; }

    /// <summary>The worker backend's requests by kind.</summary>
    public StorageRequestKinds Kinds { get; }

    /// <summary>Warnings and errors logged by the backend and the worker.</summary>
    public CountingLoggerProvider Log { get; }

    public static async Task<StorageHost> StartAsync(AzureStorageOptions options, Action<CommitKind, string, long> record)
    {
        var log = new CountingLoggerProvider();
        ILoggerFactory loggerFactory = log.CreateFactory();
        var backend = new AzureStorageOrchestrationBackend(options, loggerFactory);
        await backend.CreateIfNotExistsAsync();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IOrchestrationBackend>(new CommitTrackingBackend(backend, record));
        builder.Services.AddDurableTask(StorageWorkloads.Register);
        IHost host = builder.Build();
        await host.StartAsync();
        return new StorageHost(host, backend, log);
    }

    /// <summary>Waits until this worker owns exactly <paramref name="count"/> partitions.</summary>
    public async Task WaitForPartitionsAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        // The backend starts taking partitions once the worker first asks it for work (immediately after start).
        while (Backend.OwnedPartitions.Count != count)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The worker owns {Backend.OwnedPartitions.Count} partitions, not {count}, after {timeout.TotalSeconds:N0} s.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Backend.DisposeAsync();
    }
}

/// <summary>A client-only backend instance: it never takes partitions, so its requests are the client's alone.</summary>
internal sealed class StorageClient : IAsyncDisposable
{
    public StorageClient(AzureStorageOptions options)
    {
        Backend = new AzureStorageOrchestrationBackend(StorageEnvironment.ApplyOverrides(new AzureStorageOptions
        {
            ConnectionString = options.ConnectionString,
            TaskHubName = options.TaskHubName,
            PartitionCount = options.PartitionCount,
            WorkerId = options.WorkerId + "-client",
        }));
        Kinds = StorageRequestKinds.Attach(Backend);
        Client = new DurableTaskClient(Backend);
    }

    public AzureStorageOrchestrationBackend Backend { get; }

    public StorageRequestKinds Kinds { get; }

    public DurableTaskClient Client { get; }

    public ValueTask DisposeAsync() => Backend.DisposeAsync();
}

/// <summary>Bounded concurrency for client calls.</summary>
internal static class Parallelism
{
    /// <summary>Runs <paramref name="work"/> over <paramref name="items"/> with at most <paramref name="concurrency"/> at once.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> work) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) => await work(item));
}
