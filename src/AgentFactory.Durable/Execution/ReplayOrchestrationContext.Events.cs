using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Execution;

/// <summary>How history events drive the context: matching recorded actions and completing tasks.</summary>
internal sealed partial class ReplayOrchestrationContext
{
    private readonly List<EventRaisedEvent> _suspendedEvents = [];

    /// <summary>True while suspended: raised events are held back until the instance resumes.</summary>
    internal bool Suspended { get; private set; }

    /// <summary>Set when the history (or a new message) terminated the instance.</summary>
    internal ExecutionTerminatedEvent? Terminated { get; private set; }

    /// <summary>True while at least one durable task could still complete and move the orchestrator on.</summary>
    internal bool HasOpenDurableWork => _openTasks.Count > 0 || _eventWaiters.Values.Any(w => w.Count > 0);

    /// <summary>Actions the code produced that the history has not recorded: they are new in this episode.</summary>
    internal IReadOnlyCollection<OrchestratorAction> UnmatchedActions => _pendingActions.Values;

    /// <summary>Events that arrived and were never consumed (carried over by ContinueAsNew).</summary>
    internal IEnumerable<EventRaisedEvent> UnconsumedEvents => _bufferedEvents.Concat(_suspendedEvents);

    /// <summary>Applies one history event. Throws <see cref="NonDeterministicOrchestrationException"/> on a mismatch.</summary>
    internal void Apply(HistoryEvent e)
    {
        switch (e)
        {
            case OrchestratorStartedEvent:
                _currentUtc = e.Timestamp;
                break;
            case TaskScheduledEvent s:
                Match(e, s.TaskId, a => a is ScheduleTaskAction t && NameEquals(t.Name, s.Name), $"TaskScheduled '{s.Name}'");
                break;
            case TimerCreatedEvent t:
                Match(e, t.TaskId, a => a is CreateTimerAction, "TimerCreated");
                break;
            case SubOrchestrationInstanceCreatedEvent c:
                Match(e, c.TaskId, a => a is CreateSubOrchestrationAction x && NameEquals(x.Name, c.Name), $"SubOrchestrationInstanceCreated '{c.Name}'");
                break;
            case EventSentEvent sent:
                Match(e, sent.TaskId, a => a is SendEventAction x && NameEquals(x.Name, sent.Name), $"EventSent '{sent.Name}'");
                break;
            case TaskCompletedEvent c:
                Complete(c.TaskScheduledId, open => open.Source.TrySetResult(c.Result));
                break;
            case TaskFailedEvent f:
                Complete(f.TaskScheduledId, open => open.Source.TrySetException(new TaskFailedException(open.Name, f.TaskScheduledId, f.Failure)));
                break;
            case SubOrchestrationInstanceCompletedEvent c:
                Complete(c.TaskScheduledId, open => open.Source.TrySetResult(c.Result));
                break;
            case SubOrchestrationInstanceFailedEvent f:
                Complete(f.TaskScheduledId, open => open.Source.TrySetException(new TaskFailedException(open.Name, f.TaskScheduledId, f.Failure)));
                break;
            case TimerFiredEvent fired:
                Complete(fired.TimerId, open => open.Source.TrySetResult(null));
                break;
            case EventRaisedEvent raised when Suspended:
                _suspendedEvents.Add(raised);
                break;
            case EventRaisedEvent raised:
                Deliver(raised);
                break;
            case ExecutionSuspendedEvent:
                Suspended = true;
                break;
            case ExecutionResumedEvent:
                Suspended = false;
                foreach (EventRaisedEvent held in _suspendedEvents.ToList())
                {
                    _suspendedEvents.Remove(held);
                    Deliver(held);
                }

                break;
            case ExecutionTerminatedEvent terminated:
                Terminated = terminated;
                break;
            default:
                // ExecutionStarted is handled by the executor; OrchestratorCompleted, ContinueAsNew and
                // ExecutionCompleted carry no state the code can observe.
                break;
        }

        _syncContext.Drain();
    }

    private void Match(HistoryEvent recorded, int taskId, Func<OrchestratorAction, bool> fits, string what)
    {
        if (!_pendingActions.Remove(taskId, out OrchestratorAction? action))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{Name}' (instance '{InstanceId}'): history event #{recorded.EventId} is {what} (task {taskId}), " +
                "but the code did not produce that action at this point. The orchestrator's code changed in a way that breaks running instances.");
        }

        if (!fits(action))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{Name}' (instance '{InstanceId}'): history event #{recorded.EventId} expected {what} (task {taskId}), " +
                $"but the code produced {action.Describe()}. The orchestrator's code changed in a way that breaks running instances.");
        }
    }

    private void Complete(int taskId, Action<OpenTask> complete)
    {
        // A completion for a task that is not open is a duplicate or belongs to a cancelled timer: ignore it.
        if (_openTasks.Remove(taskId, out OpenTask? open))
        {
            complete(open);
        }
    }

    private void Deliver(EventRaisedEvent raised)
    {
        if (_eventWaiters.TryGetValue(raised.Name, out var waiters) && waiters.Count > 0)
        {
            TaskCompletionSource<string?> waiter = waiters[0];
            waiters.RemoveAt(0);
            waiter.TrySetResult(raised.Input);
        }
        else
        {
            _bufferedEvents.Add(raised);
        }
    }

    private static bool NameEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
