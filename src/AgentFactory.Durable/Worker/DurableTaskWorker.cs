using System.Diagnostics;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.Execution;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Durable.Worker;

/// <summary>
/// Hosted service that runs orchestration episodes and activities from a backend. On shutdown it
/// stops taking work, lets episodes finish (they are short and CPU-bound) and abandons activities
/// that observe the stop token, so that their requests run again elsewhere: nothing is lost.
/// </summary>
public sealed class DurableTaskWorker : BackgroundService
{
    private readonly IOrchestrationBackend _backend;
    private readonly DurableTaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly DurableTaskWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly EpisodeProcessor _processor;
    private readonly ActivityRunner _activities;

    /// <summary>Creates a worker (normally through <c>AddDurableTask</c>).</summary>
    public DurableTaskWorker(IOrchestrationBackend backend, DurableTaskRegistry registry, IServiceProvider services,
        IOptions<DurableTaskWorkerOptions> options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        _backend = backend;
        _registry = registry;
        _services = services;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger<DurableTaskWorker>();
        TimeProvider time = timeProvider ?? TimeProvider.System;
        EngineLimits limits = _options.ToLimits();
        _processor = new EpisodeProcessor(new OrchestrationExecutor(limits, loggerFactory), time, _logger);
        _activities = new ActivityRunner(registry, services, limits, time);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _logger.WorkerStarted(_options.MaxConcurrentOrchestrations, _options.MaxConcurrentActivities);
        var loops = new List<Task>();
        for (int i = 0; i < _options.MaxConcurrentOrchestrations; i++)
        {
            loops.Add(Task.Run(() => OrchestrationLoopAsync(stoppingToken), CancellationToken.None));
        }

        for (int i = 0; i < _options.MaxConcurrentActivities; i++)
        {
            loops.Add(Task.Run(() => ActivityLoopAsync(stoppingToken), CancellationToken.None));
        }

        await Task.WhenAll(loops);
        _logger.WorkerStopped();
    }

    private async Task OrchestrationLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            OrchestrationWorkItem? workItem = await LockAsync(_backend.LockNextOrchestrationWorkItemAsync, stoppingToken);
            if (workItem is not null)
            {
                await ProcessEpisodeAsync(workItem);
            }
        }
    }

    private async Task ActivityLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ActivityWorkItem? workItem = await LockAsync(_backend.LockNextActivityWorkItemAsync, stoppingToken);
            if (workItem is not null)
            {
                await ProcessActivityAsync(workItem, stoppingToken);
            }
        }
    }

    private async Task<T?> LockAsync<T>(Func<CancellationToken, Task<T?>> lockNext, CancellationToken stoppingToken) where T : class
    {
        try
        {
            return await lockNext(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            // A storage outage must not end the loop; back off briefly and try again.
            _logger.LoopError(ex);
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            return null;
        }
    }

    /// <summary>Runs and commits one episode (internal so tests can drive a worker step by step).</summary>
    internal async Task ProcessEpisodeAsync(OrchestrationWorkItem workItem)
    {
        long started = Stopwatch.GetTimestamp();
        using Activity? span = DurableTaskDiagnostics.ActivitySource.StartActivity("orchestration " + (workItem.Instance?.Name ?? workItem.InstanceId));
        span?.SetTag("durable.instance_id", workItem.InstanceId);
        try
        {
            var (commit, result) = _processor.Process(workItem, Resolve);
            await _backend.CompleteOrchestrationWorkItemAsync(workItem, commit ?? OrchestrationCommit.ConsumeOnly, CancellationToken.None);
            if (result is not null)
            {
                DurableTaskDiagnostics.Episodes.Add(1);
                DurableTaskDiagnostics.ReplayedEvents.Add(result.ReplayedEvents);
                _logger.EpisodeCompleted(result.Started.Name, workItem.InstanceId, result.Status, result.ReplayedEvents, result.NewEvents.Count);
                if (result.Failure is { } failure)
                {
                    _logger.OrchestrationFailed(result.Started.Name, workItem.InstanceId, failure.ToString());
                }
            }
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _logger.EpisodeAbandoned(workItem.InstanceId, ex);
            await AbandonQuietlyAsync(() => _backend.AbandonOrchestrationWorkItemAsync(workItem, CancellationToken.None));
        }
        finally
        {
            DurableTaskDiagnostics.EpisodeDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task ProcessActivityAsync(ActivityWorkItem workItem, CancellationToken stoppingToken)
    {
        ActivityRequest request = workItem.Request;
        long started = Stopwatch.GetTimestamp();
        using Activity? span = DurableTaskDiagnostics.ActivitySource.StartActivity("activity " + request.Scheduled.Name);
        span?.SetTag("durable.instance_id", request.InstanceId);
        OrchestrationMessage result;
        try
        {
            result = await _activities.RunAsync(request, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            _logger.ActivityAbandoned(request.Scheduled.Name, request.Scheduled.TaskId, request.InstanceId);
            await AbandonQuietlyAsync(() => _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None));
            return;
        }

        double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string outcome = result.Event is History.TaskFailedEvent ? "failed" : "completed";
        DurableTaskDiagnostics.ActivityExecutions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        DurableTaskDiagnostics.ActivityDuration.Record(elapsed);
        _logger.ActivityCompleted(request.Scheduled.Name, request.Scheduled.TaskId, request.InstanceId, outcome, elapsed);
        try
        {
            await _backend.CompleteActivityWorkItemAsync(workItem, result, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.ActivityDeliveryFailed(request.Scheduled.Name, request.Scheduled.TaskId, request.InstanceId, ex);
            await AbandonQuietlyAsync(() => _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None));
        }
    }

    private async Task AbandonQuietlyAsync(Func<Task> abandon)
    {
        try
        {
            await abandon();
        }
        catch (Exception ex)
        {
            // The backend's lock expiry redelivers the work if even the abandon fails.
            _logger.LoopError(ex);
        }
    }

    private ITaskOrchestrator? Resolve(string name) =>
        _registry.TryGetOrchestrator(name, _services, out ITaskOrchestrator? orchestrator) ? orchestrator : null;
}
