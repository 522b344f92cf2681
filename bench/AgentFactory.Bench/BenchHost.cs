using System.Collections.Concurrent;
using System.Diagnostics;
using AgentFactory.Durable;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;
using AgentFactory.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentFactory.Bench;

/// <summary>
/// The real engine as an application hosts it: a generic host with <c>AddDurableTask</c> (worker as a hosted
/// service, client) over the in-memory backend. No logging provider is added, so the benchmark measures the
/// engine and not a console logger.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchHost(IHost host, CompletionTrackingBackend backend)
    {
        _host = host;
        Backend = backend;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableTaskWorkerOptions>>().Value;
    }

    public DurableTaskClient Client { get; }

    public CompletionTrackingBackend Backend { get; }

    public DurableTaskWorkerOptions Options { get; }

    /// <summary>Starts a host; <paramref name="configure"/> may change the worker options (defaults otherwise).</summary>
    public static async Task<BenchHost> StartAsync(Action<DurableTaskWorkerOptions>? configure = null)
    {
        var backend = new CompletionTrackingBackend(new InMemoryOrchestrationBackend());
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IOrchestrationBackend>(backend);
        builder.Services.AddDurableTask(Workloads.Register, configure);
        IHost host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host, backend);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>
/// Wraps the in-memory backend and notes the moment each instance's final commit lands, so that latencies
/// are exact. (The client's <c>WaitForInstanceCompletionAsync</c> polls with a back-off of up to 250 ms;
/// 2,000 pollers would both blur the latency and load the machine being measured.)
/// </summary>
internal sealed class CompletionTrackingBackend(IOrchestrationBackend inner) : DelegatingOrchestrationBackend(inner)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiters = new(StringComparer.Ordinal);

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp of the commit that finishes <paramref name="instanceId"/>.</summary>
    /// <remarks>Call before starting the instance.</remarks>
    public Task<long> WhenCompleted(string instanceId) =>
        _waiters.GetOrAdd(instanceId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default)
    {
        await Inner.CompleteOrchestrationWorkItemAsync(workItem, commit, cancellationToken);
        if (commit.Instance is { IsCompleted: true } && _waiters.TryRemove(workItem.InstanceId, out TaskCompletionSource<long>? waiter))
        {
            waiter.TrySetResult(Stopwatch.GetTimestamp());
        }
    }
}

/// <summary>Sums the engine's own counters (Meter "AgentFactory.Durable") while alive.</summary>
internal sealed class EngineCounters : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _episodes;
    private long _activities;
    private long _replayedEvents;

    public EngineCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DurableTaskDiagnostics.Name
                && instrument.Name is "durable.episodes" or "durable.activities" or "durable.replayed_events")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "durable.episodes":
                    Interlocked.Add(ref _episodes, value);
                    break;
                case "durable.activities":
                    Interlocked.Add(ref _activities, value);
                    break;
                default:
                    Interlocked.Add(ref _replayedEvents, value);
                    break;
            }
        });
        _listener.Start();
    }

    public (long Episodes, long Activities, long ReplayedEvents) Read() =>
        (Interlocked.Read(ref _episodes), Interlocked.Read(ref _activities), Interlocked.Read(ref _replayedEvents));

    public void Dispose() => _listener.Dispose();
}

/// <summary>Samples the working set every few milliseconds while alive (the process peak covers earlier scenarios too).</summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _max = Environment.WorkingSet;

    public WorkingSetSampler() => _loop = SampleAsync();

    public long MaxBytes => Interlocked.Read(ref _max);

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                long now = Environment.WorkingSet;
                if (now > Interlocked.Read(ref _max))
                {
                    Interlocked.Exchange(ref _max, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
