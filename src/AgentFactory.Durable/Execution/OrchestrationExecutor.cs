using System.Text.Json;
using AgentFactory.Durable.History;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.Execution;

/// <summary>
/// Runs one episode: replays the past history through the orchestrator (checking every recorded
/// action against what the code produces), then applies the new events. Synchronous and pure:
/// the same inputs always give the same result.
/// </summary>
internal sealed class OrchestrationExecutor(EngineLimits limits, ILoggerFactory loggerFactory)
{
    /// <summary>Executes an episode.</summary>
    /// <param name="instanceId">The instance the history belongs to.</param>
    /// <param name="past">The committed history of the current execution (may be empty).</param>
    /// <param name="newEvents">Events delivered in this episode (already de-duplicated).</param>
    /// <param name="now">The episode's time; becomes <c>CurrentUtcDateTime</c> for new code.</param>
    /// <param name="resolve">Finds the orchestrator by name; null when none is registered.</param>
    /// <returns>The episode's result, or null when there is no execution to run (no ExecutionStarted).</returns>
    public EpisodeResult? Execute(string instanceId, IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents,
        DateTime now, Func<string, ITaskOrchestrator?> resolve)
    {
        ExecutionStartedEvent? started = past.OfType<ExecutionStartedEvent>().FirstOrDefault()
            ?? newEvents.OfType<ExecutionStartedEvent>().FirstOrDefault();
        if (started is null)
        {
            return null;
        }

        SynchronizationContext? previous = SynchronizationContext.Current;
        var sync = new OrchestrationSynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(sync);
        try
        {
            return Run(instanceId, started, past, newEvents, now, resolve, sync);
        }
        finally
        {
            sync.Close();
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private EpisodeResult Run(string instanceId, ExecutionStartedEvent started, IReadOnlyList<HistoryEvent> past,
        IReadOnlyList<HistoryEvent> newEvents, DateTime now, Func<string, ITaskOrchestrator?> resolve, OrchestrationSynchronizationContext sync)
    {
        var context = new ReplayOrchestrationContext(started, instanceId, limits, loggerFactory, sync);
        var episode = new List<HistoryEvent> { new OrchestratorStartedEvent { Timestamp = now } };
        Task<object?>? run = null;
        FailureDetails? engineFailure = null;
        try
        {
            context.Replaying = true;
            foreach (HistoryEvent e in past)
            {
                Step(e);
            }

            CheckReplayReachedHistoryEnd(context, run, past);
            context.Replaying = false;
            context.Apply(episode[0]);
            foreach (HistoryEvent e in newEvents)
            {
                episode.Add(e);
                Step(e);
                if (context.Terminated is not null)
                {
                    break;
                }
            }
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            engineFailure = FailureDetails.FromException(ex);
        }

        return Finish(context, run, episode, engineFailure, sync, past.Count);

        void Step(HistoryEvent e)
        {
            if (e is ExecutionStartedEvent)
            {
                run ??= Start(context, resolve(started.Name), started);
                sync.Drain();
            }
            else
            {
                context.Apply(e);
            }
        }
    }

    private static void CheckReplayReachedHistoryEnd(ReplayOrchestrationContext context, Task<object?>? run, IReadOnlyList<HistoryEvent> past)
    {
        bool historyFinished = past.Any(e => e is ExecutionCompletedEvent or ContinueAsNewEvent) || context.Terminated is not null;
        if (past.Count == 0 || historyFinished)
        {
            return;
        }

        // The history records every action of every past episode, so after replaying it the code must
        // stand exactly where it stood: nothing extra scheduled, not finished early.
        if (context.UnmatchedActions.FirstOrDefault() is { } extra)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{context.Name}' (instance '{context.InstanceId}'): replaying the history produced {extra.Describe()}, " +
                "which the history does not have. The orchestrator's code changed in a way that breaks running instances.");
        }

        if (run is { IsCompleted: true } && context.ContinueAsNewRequest is null)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{context.Name}' (instance '{context.InstanceId}'): the code finished while replaying history in which it was still running.");
        }
    }

    private Task<object?> Start(ReplayOrchestrationContext context, ITaskOrchestrator? orchestrator, ExecutionStartedEvent started)
    {
        if (orchestrator is null)
        {
            return Task.FromException<object?>(new InvalidOperationException(
                $"No orchestrator named '{started.Name}' is registered with this worker."));
        }

        object? input;
        try
        {
            input = limits.DataConverter.Deserialize(started.Input, orchestrator.InputType)
                ?? (orchestrator.InputType.IsValueType ? Activator.CreateInstance(orchestrator.InputType) : null);
        }
        catch (JsonException ex)
        {
            return Task.FromException<object?>(new ArgumentException(
                $"The input of orchestrator '{started.Name}' could not be read as {orchestrator.InputType.Name}: {ex.Message}", ex));
        }

        try
        {
            return orchestrator.RunAsync(context, input);
        }
        catch (Exception ex)
        {
            return Task.FromException<object?>(ex);
        }
    }

    private EpisodeResult Finish(ReplayOrchestrationContext context, Task<object?>? run, List<HistoryEvent> episode,
        FailureDetails? engineFailure, OrchestrationSynchronizationContext sync, int replayed)
    {
        IReadOnlyList<OrchestratorAction> actions = [.. context.UnmatchedActions];
        OrchestrationRuntimeStatus status;
        string? output = null;
        FailureDetails? failure = engineFailure;
        if (engineFailure is not null)
        {
            status = OrchestrationRuntimeStatus.Failed;
            actions = [];
        }
        else if (context.Terminated is { } terminated)
        {
            status = OrchestrationRuntimeStatus.Terminated;
            output = terminated.Output;
            actions = [];
        }
        else if (run is { IsCompleted: true })
        {
            (status, output, failure) = Outcome(context, run);
        }
        else if (sync.ForeignPostSeen || !context.HasOpenDurableWork)
        {
            status = OrchestrationRuntimeStatus.Failed;
            failure = FailureDetails.FromException(new NonDurableAwaitException(
                $"Orchestrator '{context.Name}' (instance '{context.InstanceId}') is awaiting a task that is not durable " +
                "(Task.Delay, Task.Run, I/O or another thread) and would never resume. Use CreateTimer, activities and WaitForExternalEvent."));
            actions = [];
        }
        else
        {
            status = context.Suspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running;
        }

        foreach (OrchestratorAction action in actions)
        {
            episode.Add(ToHistoryEvent(action, context.CurrentUtcDateTime));
        }

        if (status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            episode.Add(new ContinueAsNewEvent(context.ContinueAsNewRequest!.Value.Input) { Timestamp = context.CurrentUtcDateTime });
        }
        else if (status.IsTerminal())
        {
            episode.Add(new ExecutionCompletedEvent(status, output, failure) { Timestamp = context.CurrentUtcDateTime });
        }

        episode.Add(new OrchestratorCompletedEvent { Timestamp = context.CurrentUtcDateTime });
        return new EpisodeResult
        {
            Started = context.Started,
            NewEvents = episode,
            NewActions = actions,
            Status = status,
            Output = output,
            Failure = failure,
            CustomStatus = context.SerializedCustomStatus,
            ContinueAsNewInput = context.ContinueAsNewRequest?.Input,
            CarriedEvents = context.ContinueAsNewRequest is { PreserveEvents: true } ? [.. context.UnconsumedEvents] : [],
            ReplayedEvents = replayed,
        };
    }

    private (OrchestrationRuntimeStatus, string?, FailureDetails?) Outcome(ReplayOrchestrationContext context, Task<object?> run)
    {
        object? result;
        try
        {
            result = run.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            return (OrchestrationRuntimeStatus.Failed, null, FailureDetails.FromException(ex));
        }

        if (context.ContinueAsNewRequest is not null)
        {
            return (OrchestrationRuntimeStatus.ContinuedAsNew, null, null);
        }

        try
        {
            string? output = limits.DataConverter.Serialize(result);
            limits.EnsurePayloadFits(output, $"output of orchestrator '{context.Name}'");
            return (OrchestrationRuntimeStatus.Completed, output, null);
        }
        catch (Exception ex) when (ex is PayloadTooLargeException or JsonException or NotSupportedException)
        {
            return (OrchestrationRuntimeStatus.Failed, null, FailureDetails.FromException(ex));
        }
    }

    private static HistoryEvent ToHistoryEvent(OrchestratorAction action, DateTime timestamp) => action switch
    {
        ScheduleTaskAction a => new TaskScheduledEvent(a.TaskId, a.Name, a.Input) { Timestamp = timestamp },
        CreateTimerAction t => new TimerCreatedEvent(t.TaskId, t.FireAt) { Timestamp = timestamp },
        CreateSubOrchestrationAction s => new SubOrchestrationInstanceCreatedEvent(s.TaskId, s.Name, s.InstanceId, s.Input) { Timestamp = timestamp },
        SendEventAction e => new EventSentEvent(e.TaskId, e.InstanceId, e.Name, e.Input) { Timestamp = timestamp },
        _ => throw new InvalidOperationException($"Unknown action {action.GetType().Name}."),
    };
}
