using AgentFactory.Durable.Backend;
using AgentFactory.Durable.Execution;
using AgentFactory.Durable.History;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.Worker;

/// <summary>
/// Turns a locked orchestration work item into a commit: drops stale and duplicate messages, runs
/// the episode (and the first episode of each new execution after ContinueAsNew), and maps the new
/// actions to activity requests and messages.
/// </summary>
internal sealed class EpisodeProcessor(OrchestrationExecutor executor, TimeProvider time, ILogger logger)
{
    // An orchestrator that continues as new without ever awaiting would otherwise loop forever in one work item.
    internal const int MaxContinueAsNewPerWorkItem = 1000;

    /// <summary>Builds the commit for <paramref name="workItem"/>; null when there is nothing to write but the consumed messages.</summary>
    public (OrchestrationCommit? Commit, EpisodeResult? Result) Process(OrchestrationWorkItem workItem, Func<string, ITaskOrchestrator?> resolve)
    {
        IReadOnlyList<HistoryEvent> history = workItem.History;
        OrchestrationMetadata? instance = workItem.Instance;
        var outgoing = new List<OrchestrationMessage>();
        List<HistoryEvent> events = Filter(workItem, outgoing);
        DateTime now = EpisodeTime(history);
        bool replaced = false;
        var activities = new List<ActivityRequest>();

        for (int round = 0; ; round++)
        {
            if (events.Count == 0)
            {
                return (Commit(outgoing), null);
            }

            EpisodeResult? result = executor.Execute(workItem.InstanceId, history, events, now, resolve);
            if (result is null)
            {
                // Terminated before its (scheduled) start was delivered: it ends here, and the start is dropped later.
                if (instance is not null && events.OfType<ExecutionTerminatedEvent>().FirstOrDefault() is { } terminated)
                {
                    return (new OrchestrationCommit
                    {
                        NewEvents = [],
                        Instance = instance with
                        {
                            RuntimeStatus = OrchestrationRuntimeStatus.Terminated,
                            SerializedOutput = terminated.Output,
                            LastUpdatedAt = now,
                            CompletedAt = now,
                        },
                        Messages = outgoing,
                    }, null);
                }

                logger.LogWarning("Dropped {Count} message(s) for instance {InstanceId}, which has not started.", events.Count, workItem.InstanceId);
                return (Commit(outgoing), null);
            }

            string executionId = result.Started.ExecutionId;
            List<HistoryEvent> numbered = Number(result.NewEvents, history.Count);
            MapActions(workItem.InstanceId, executionId, result, now, activities, outgoing);
            if (result.Status == OrchestrationRuntimeStatus.ContinuedAsNew && round < MaxContinueAsNewPerWorkItem)
            {
                // The old execution's activities and timers belong to it alone; sends and child starts stand.
                activities.Clear();
                outgoing.RemoveAll(m => m.InstanceId == workItem.InstanceId && m.Event is TimerFiredEvent);
                var next = new ExecutionStartedEvent(result.Started.Name, result.ContinueAsNewInput, Guid.NewGuid().ToString("N"),
                    result.Started.Parent, result.Started.Tags) { Timestamp = now };
                events = [next, .. result.CarriedEvents];
                history = [];
                replaced = true;
                continue;
            }

            if (result.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
            {
                result = Fail(result, $"Orchestrator '{result.Started.Name}' continued as new {MaxContinueAsNewPerWorkItem} times without awaiting anything.");
            }

            NotifyParent(result, outgoing);
            OrchestrationMetadata updated = UpdateInstance(instance, workItem.InstanceId, result, now);
            return (new OrchestrationCommit
            {
                NewEvents = numbered,
                ReplacesHistory = replaced,
                Instance = updated,
                ActivityRequests = activities,
                Messages = outgoing,
            }, result);
        }

        // Nothing to append: the consumed messages are removed, and replies (if any) sent.
        OrchestrationCommit? Commit(List<OrchestrationMessage> messages) =>
            instance is null || messages.Count == 0 ? null : new() { NewEvents = [], Instance = instance, Messages = messages };
    }

    private List<HistoryEvent> Filter(OrchestrationWorkItem workItem, List<OrchestrationMessage> outgoing)
    {
        var result = new List<HistoryEvent>();
        if (workItem.Instance is { } instance && instance.RuntimeStatus.IsTerminal())
        {
            logger.LogInformation("Dropped {Count} message(s) for instance {InstanceId}, which is {Status}.",
                workItem.Messages.Count, workItem.InstanceId, instance.RuntimeStatus);
            return result;
        }

        ExecutionStartedEvent? started = workItem.History.OfType<ExecutionStartedEvent>().FirstOrDefault();
        var completed = new HashSet<int>();
        var seenMessages = new HashSet<string>(StringComparer.Ordinal);
        foreach (HistoryEvent e in workItem.History)
        {
            if (CompletedTaskId(e) is int id)
            {
                completed.Add(id);
            }

            if (e.MessageId is not null)
            {
                seenMessages.Add(e.MessageId);
            }
        }

        foreach (OrchestrationMessage message in workItem.Messages)
        {
            HistoryEvent e = message.Event;
            string? currentExecution = started?.ExecutionId ?? (e as ExecutionStartedEvent)?.ExecutionId
                ?? result.OfType<ExecutionStartedEvent>().FirstOrDefault()?.ExecutionId;
            if (e is ExecutionStartedEvent start)
            {
                if (started is not null || result.OfType<ExecutionStartedEvent>().Any())
                {
                    RefuseDuplicateStart(workItem.InstanceId, start, started, outgoing);
                    continue;
                }
            }
            else if (message.ExecutionId is not null && currentExecution is not null && message.ExecutionId != currentExecution)
            {
                continue; // for an execution that has ended (ContinueAsNew or restart)
            }

            if (CompletedTaskId(e) is int taskId && !completed.Add(taskId))
            {
                continue; // a second delivery of a completion
            }

            if (e.MessageId is not null && !seenMessages.Add(e.MessageId))
            {
                continue; // a second delivery of a raised event
            }

            result.Add(e);
        }

        return result;
    }

    private void RefuseDuplicateStart(string instanceId, ExecutionStartedEvent start, ExecutionStartedEvent? current, List<OrchestrationMessage> outgoing)
    {
        if (current is not null && current.ExecutionId == start.ExecutionId)
        {
            return; // the same start delivered twice
        }

        logger.LogWarning("Refused a second start of running instance {InstanceId}.", instanceId);
        if (start.Parent is { } parent)
        {
            var failure = new FailureDetails(typeof(OrchestrationAlreadyExistsException).FullName!,
                $"An orchestration with instance id '{instanceId}' is already running; the sub-orchestration '{start.Name}' was not started.");
            outgoing.Add(new OrchestrationMessage(parent.InstanceId, new SubOrchestrationInstanceFailedEvent(parent.TaskScheduledId, failure)
            {
                Timestamp = time.GetUtcNow().UtcDateTime,
            }) { ExecutionId = parent.ExecutionId });
        }
    }

    private static int? CompletedTaskId(HistoryEvent e) => e switch
    {
        TaskCompletedEvent c => c.TaskScheduledId,
        TaskFailedEvent f => f.TaskScheduledId,
        SubOrchestrationInstanceCompletedEvent c => c.TaskScheduledId,
        SubOrchestrationInstanceFailedEvent f => f.TaskScheduledId,
        TimerFiredEvent t => t.TimerId,
        _ => null,
    };

    private DateTime EpisodeTime(IReadOnlyList<HistoryEvent> history)
    {
        // Time in a history never runs backwards, even if this machine's clock is behind the last writer's.
        DateTime now = time.GetUtcNow().UtcDateTime;
        DateTime last = history.Count == 0 ? DateTime.MinValue : history[^1].Timestamp;
        return now < last ? last : now;
    }

    private static List<HistoryEvent> Number(IReadOnlyList<HistoryEvent> events, int start)
    {
        var numbered = new List<HistoryEvent>(events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            numbered.Add(events[i] with { EventId = start + i });
        }

        return numbered;
    }

    private static void MapActions(string instanceId, string executionId, EpisodeResult result, DateTime now,
        List<ActivityRequest> activities, List<OrchestrationMessage> outgoing)
    {
        foreach (OrchestratorAction action in result.NewActions)
        {
            switch (action)
            {
                case ScheduleTaskAction a:
                    activities.Add(new ActivityRequest(instanceId, executionId, new TaskScheduledEvent(a.TaskId, a.Name, a.Input) { Timestamp = now }));
                    break;
                case CreateTimerAction t:
                    outgoing.Add(new OrchestrationMessage(instanceId, new TimerFiredEvent(t.TaskId, t.FireAt) { Timestamp = t.FireAt })
                    {
                        ExecutionId = executionId,
                        VisibleAt = t.FireAt,
                    });
                    break;
                case CreateSubOrchestrationAction s:
                    var parent = new ParentInstance(instanceId, executionId, result.Started.Name, s.TaskId);
                    outgoing.Add(new OrchestrationMessage(s.InstanceId,
                        new ExecutionStartedEvent(s.Name, s.Input, Guid.NewGuid().ToString("N"), parent, result.Started.Tags) { Timestamp = now }));
                    break;
                case SendEventAction e:
                    outgoing.Add(new OrchestrationMessage(e.InstanceId, new EventRaisedEvent(e.Name, e.Input)
                    {
                        Timestamp = now,
                        MessageId = $"{instanceId}:{executionId}:{e.TaskId}",
                    }));
                    break;
            }
        }
    }

    private static void NotifyParent(EpisodeResult result, List<OrchestrationMessage> outgoing)
    {
        if (result.Started.Parent is not { } parent || !result.Status.IsTerminal())
        {
            return;
        }

        HistoryEvent e = result.Status switch
        {
            OrchestrationRuntimeStatus.Completed => new SubOrchestrationInstanceCompletedEvent(parent.TaskScheduledId, result.Output),
            OrchestrationRuntimeStatus.Terminated => new SubOrchestrationInstanceFailedEvent(parent.TaskScheduledId,
                new FailureDetails("Terminated", $"Sub-orchestration '{result.Started.Name}' was terminated.")),
            _ => new SubOrchestrationInstanceFailedEvent(parent.TaskScheduledId, result.Failure!),
        };
        outgoing.Add(new OrchestrationMessage(parent.InstanceId, e with { Timestamp = result.NewEvents[^1].Timestamp }) { ExecutionId = parent.ExecutionId });
    }

    private static EpisodeResult Fail(EpisodeResult result, string message)
    {
        var failure = new FailureDetails(typeof(InvalidOperationException).FullName!, message);
        return new EpisodeResult
        {
            Started = result.Started,
            NewEvents = result.NewEvents,
            NewActions = [],
            Status = OrchestrationRuntimeStatus.Failed,
            Failure = failure,
            CustomStatus = result.CustomStatus,
        };
    }

    private static OrchestrationMetadata UpdateInstance(OrchestrationMetadata? instance, string instanceId, EpisodeResult result, DateTime now)
    {
        OrchestrationMetadata basis = instance ?? new OrchestrationMetadata(result.Started.Name, instanceId) { CreatedAt = result.Started.Timestamp };
        return basis with
        {
            Name = result.Started.Name,
            ExecutionId = result.Started.ExecutionId,
            RuntimeStatus = result.Status,
            LastUpdatedAt = now,
            CompletedAt = result.Status.IsTerminal() ? now : null,
            SerializedInput = result.Started.Input,
            SerializedOutput = result.Output,
            SerializedCustomStatus = result.CustomStatus,
            FailureDetails = result.Failure,
            Tags = basis.Tags ?? result.Started.Tags,
            ParentInstanceId = result.Started.Parent?.InstanceId,
        };
    }
}
