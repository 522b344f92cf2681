using System.Text.Json.Nodes;
using AgentFactory.Durable.History;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// A history in the shape Durable Functions' status API gives it (<c>showHistory=true</c>): PascalCase Durable Task
/// names (<c>EventType</c>, <c>Timestamp</c>, ...), episode markers left out, and each completed or failed activity or
/// sub-orchestration folded into one event that carries <c>FunctionName</c> and <c>ScheduledTime</c> of the event that
/// scheduled it. Results and sent payloads appear only with <c>showHistoryOutput=true</c>; inputs never.
/// </summary>
internal static class DurableHistoryEvents
{
    public static JsonArray ToJson(IReadOnlyList<HistoryEvent> history, bool showHistoryOutput)
    {
        var scheduled = new Dictionary<int, HistoryEvent>();
        var subOrchestrations = new Dictionary<int, HistoryEvent>();
        var answered = new HashSet<HistoryEvent>(ReferenceEqualityComparer.Instance);
        foreach (HistoryEvent e in history)
        {
            switch (e)
            {
                case TaskScheduledEvent s:
                    scheduled[s.TaskId] = s;
                    break;
                case SubOrchestrationInstanceCreatedEvent c:
                    subOrchestrations[c.TaskId] = c;
                    break;
                case TaskCompletedEvent or TaskFailedEvent or SubOrchestrationInstanceCompletedEvent or SubOrchestrationInstanceFailedEvent:
                    if (Origin(e, scheduled, subOrchestrations) is { } origin)
                    {
                        answered.Add(origin);
                    }

                    break;
            }
        }

        var events = new JsonArray();
        foreach (HistoryEvent e in history)
        {
            if (e is OrchestratorStartedEvent or OrchestratorCompletedEvent || answered.Contains(e))
            {
                continue;
            }

            JsonObject item = Describe(e, showHistoryOutput);
            if (Origin(e, scheduled, subOrchestrations) is { } from)
            {
                item["FunctionName"] = from switch { TaskScheduledEvent s => s.Name, SubOrchestrationInstanceCreatedEvent c => c.Name, _ => null };
                item["ScheduledTime"] = DurableTaskApiJson.Timestamp(from.Timestamp);
            }

            events.Add(item);
        }

        return events;
    }

    private static HistoryEvent? Origin(HistoryEvent e, Dictionary<int, HistoryEvent> scheduled, Dictionary<int, HistoryEvent> subOrchestrations) => e switch
    {
        TaskCompletedEvent c => scheduled.GetValueOrDefault(c.TaskScheduledId),
        TaskFailedEvent f => scheduled.GetValueOrDefault(f.TaskScheduledId),
        SubOrchestrationInstanceCompletedEvent c => subOrchestrations.GetValueOrDefault(c.TaskScheduledId),
        SubOrchestrationInstanceFailedEvent f => subOrchestrations.GetValueOrDefault(f.TaskScheduledId),
        _ => null,
    };

    private static JsonObject Describe(HistoryEvent e, bool showOutput)
    {
        // The discriminator names of our history are Durable Task's EventType names.
        var item = new JsonObject { ["EventType"] = EventType(e), ["Timestamp"] = DurableTaskApiJson.Timestamp(e.Timestamp) };
        switch (e)
        {
            case ExecutionStartedEvent s:
                item["FunctionName"] = s.Name;
                if (s.ScheduledStartTime is { } startAt)
                {
                    item["ScheduledStartTime"] = DurableTaskApiJson.Timestamp(startAt);
                }

                break;
            case TaskScheduledEvent s:
                item["Name"] = s.Name;
                break;
            case TaskCompletedEvent c when showOutput:
                item["Result"] = DurableTaskApiJson.ToJsonValue(c.Result);
                break;
            case TaskFailedEvent f:
                AddFailure(item, f.Failure);
                break;
            case TimerCreatedEvent t:
                item["FireAt"] = DurableTaskApiJson.Timestamp(t.FireAt);
                break;
            case TimerFiredEvent t:
                item["FireAt"] = DurableTaskApiJson.Timestamp(t.FireAt);
                break;
            case EventRaisedEvent r:
                item["Name"] = r.Name;
                break;
            case EventSentEvent s:
                item["InstanceId"] = s.InstanceId;
                item["Name"] = s.Name;
                if (showOutput)
                {
                    item["Input"] = DurableTaskApiJson.ToJsonValue(s.Input);
                }

                break;
            case SubOrchestrationInstanceCreatedEvent c:
                item["Name"] = c.Name;
                item["InstanceId"] = c.InstanceId;
                break;
            case SubOrchestrationInstanceCompletedEvent c when showOutput:
                item["Result"] = DurableTaskApiJson.ToJsonValue(c.Result);
                break;
            case SubOrchestrationInstanceFailedEvent f:
                AddFailure(item, f.Failure);
                break;
            case ExecutionSuspendedEvent s:
                item["Reason"] = s.Reason;
                break;
            case ExecutionResumedEvent r:
                item["Reason"] = r.Reason;
                break;
            case ContinueAsNewEvent c:
                item["OrchestrationStatus"] = "ContinuedAsNew";
                if (showOutput)
                {
                    item["Result"] = DurableTaskApiJson.ToJsonValue(c.Input);
                }

                break;
            case ExecutionCompletedEvent c:
                item["OrchestrationStatus"] = c.Status.ToString();
                if (showOutput)
                {
                    item["Result"] = DurableTaskApiJson.ToJsonValue(c.Result);
                }

                if (c.Failure is not null)
                {
                    item["FailureDetails"] = Failure(c.Failure);
                }

                break;
        }

        return item;
    }

    private static string EventType(HistoryEvent e)
    {
        string name = e.GetType().Name;
        return name.EndsWith("Event", StringComparison.Ordinal) ? name[..^"Event".Length] : name;
    }

    private static void AddFailure(JsonObject item, FailureDetails failure)
    {
        item["Reason"] = failure.ErrorMessage;
        item["FailureDetails"] = Failure(failure);
    }

    // Durable Task's FailureDetails, field for field.
    private static JsonObject Failure(FailureDetails failure) => new()
    {
        ["ErrorType"] = failure.ErrorType,
        ["ErrorMessage"] = failure.ErrorMessage,
        ["StackTrace"] = failure.StackTrace,
        ["InnerFailure"] = failure.InnerFailure is null ? null : Failure(failure.InnerFailure),
        ["IsNonRetriable"] = false,
    };
}
