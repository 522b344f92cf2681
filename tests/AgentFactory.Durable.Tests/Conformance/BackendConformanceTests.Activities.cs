using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Conformance;

/// <summary>Activity requests: queued by a commit, locked by competing workers, completed or abandoned.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_ActivityRequests_AreHandedToActivityWorkers()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        (_, ActivityRequest request) = await ScheduleActivityAsync(backend, "scheduler");

        ActivityWorkItem item = await LockActivityAsync(backend);

        Assert.Equal(request, item.Request);
        Assert.Equal(1, item.DequeueCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextActivityWorkItemAsync_TwoRequests_EachHandedOutOnce()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "fan");
        OrchestrationWorkItem orchestration = await LockAsync(backend);
        string execution = orchestration.Instance!.ExecutionId;
        ActivityRequest[] requests = [.. Enumerable.Range(0, 2).Select(i =>
            new ActivityRequest("fan", execution, new TaskScheduledEvent(i, "Work", $"{i}") { Timestamp = T0 }))];
        await backend.CompleteOrchestrationWorkItemAsync(orchestration, Episode(orchestration, OrchestrationRuntimeStatus.Running,
            actions: requests.Select(r => r.Scheduled), activities: requests));

        ActivityWorkItem first = await LockActivityAsync(backend);
        ActivityWorkItem second = await LockActivityAsync(backend);

        Assert.Equal(requests, new[] { first.Request, second.Request }.OrderBy(r => r.Scheduled.TaskId));
        Assert.Null(await TryLockActivityAsync(backend, NothingWindow));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteActivityWorkItemAsync_Result_IsDeliveredToTheOrchestrationAndRequestRemoved()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        (string execution, _) = await ScheduleActivityAsync(backend, "caller");
        ActivityWorkItem activity = await LockActivityAsync(backend);

        var completed = new TaskCompletedEvent(0, "\"result\"") { Timestamp = T0.AddSeconds(2) };
        await backend.CompleteActivityWorkItemAsync(activity, new OrchestrationMessage("caller", completed) { ExecutionId = execution });
        OrchestrationWorkItem orchestration = await LockAsync(backend);

        Assert.Equal("caller", orchestration.InstanceId);
        OrchestrationMessage message = Assert.Single(orchestration.Messages);
        Assert.Equal(completed, message.Event);
        Assert.Equal(execution, message.ExecutionId);
        Assert.Null(await TryLockActivityAsync(backend, NothingWindow));
    }

    [Fact(Timeout = 60_000)]
    public async Task AbandonActivityWorkItemAsync_LockedRequest_IsRedeliveredWithDequeueCountIncremented()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        (_, ActivityRequest request) = await ScheduleActivityAsync(backend, "retrying");
        ActivityWorkItem first = await LockActivityAsync(backend);

        await backend.AbandonActivityWorkItemAsync(first);
        ActivityWorkItem second = await LockActivityAsync(backend);

        Assert.Equal(request, second.Request);
        Assert.Equal(first.DequeueCount + 1, second.DequeueCount);
    }

    /// <summary>Creates <paramref name="instanceId"/> and commits an episode that schedules activity "Work" as task 0.</summary>
    private async Task<(string ExecutionId, ActivityRequest Request)> ScheduleActivityAsync(IOrchestrationBackend backend, string instanceId)
    {
        await CreateAsync(backend, instanceId);
        OrchestrationWorkItem item = await LockAsync(backend);
        string execution = item.Instance!.ExecutionId;
        var scheduled = new TaskScheduledEvent(0, "Work", "\"input\"") { Timestamp = T0 };
        var request = new ActivityRequest(instanceId, execution, scheduled);
        await backend.CompleteOrchestrationWorkItemAsync(item, Episode(item, OrchestrationRuntimeStatus.Running, actions: [scheduled], activities: [request]));
        return (execution, request);
    }
}
