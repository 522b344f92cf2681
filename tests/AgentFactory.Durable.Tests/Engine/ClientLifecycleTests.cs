using AgentFactory.Durable.History;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class ClientLifecycleTests
{
    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("Echo", (_, x) => x)
        .AddOrchestratorFunc<string, string>("Echoer", (ctx, x) => ctx.CallActivityAsync<string>("Echo", x))
        .AddOrchestratorFunc<string>("Waiter", ctx => ctx.WaitForExternalEvent<string>("done"));

    [Fact(Timeout = 60_000)]
    public async Task ScheduleNewOrchestrationInstanceAsync_IdOfPendingOrRunningInstance_ThrowsAlreadyExists()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);

        string id = await host.ScheduleAsync("Waiter", instanceId: "dup");
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.ScheduleAsync("Waiter", instanceId: "dup"));
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        var ex = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.ScheduleAsync("Echoer", "x", instanceId: "dup"));

        Assert.Contains("'dup'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Waiter", (await host.Client.GetInstanceAsync(id))?.Name);
    }

    [Fact(Timeout = 60_000)]
    public async Task ScheduleNewOrchestrationInstanceAsync_IdOfFinishedInstance_ReplacesIt()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);

        OrchestrationMetadata first = await host.RunAsync("Echoer", "first", instanceId: "reused");
        OrchestrationMetadata second = await host.RunAsync("Echoer", "second", instanceId: "reused");

        Assert.Equal("first", first.ReadOutputAs<string>());
        Assert.Equal("second", second.ReadOutputAs<string>());
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
        ExecutionStartedEvent started = Assert.Single((await host.Client.GetInstanceHistoryAsync("reused")).OfType<ExecutionStartedEvent>());
        Assert.Equal("\"second\"", started.Input);
    }

    [Fact(Timeout = 60_000)]
    public async Task ScheduleNewOrchestrationInstanceAsync_InvalidInstanceId_ThrowsArgumentException()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.ScheduleAsync("Echoer", "x", instanceId: "a/b"));

        Assert.Contains("'a/b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetInstanceAsync_WithAndWithoutPayloads_ReturnsOrOmitsInputOutputAndCustomStatus()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string, string>("Status", (ctx, x) =>
        {
            ctx.SetCustomStatus("custom");
            return Task.FromResult(x + "!");
        }));

        OrchestrationMetadata done = await host.RunAsync("Status", "in");
        OrchestrationMetadata? full = await host.Client.GetInstanceAsync(done.InstanceId, getInputsAndOutputs: true);
        OrchestrationMetadata? bare = await host.Client.GetInstanceAsync(done.InstanceId);

        Assert.NotNull(full);
        Assert.Equal(("in", "in!", "custom"), (full.ReadInputAs<string>(), full.ReadOutputAs<string>(), full.ReadCustomStatusAs<string>()));
        Assert.NotNull(bare);
        Assert.Equal(("Status", OrchestrationRuntimeStatus.Completed), (bare.Name, bare.RuntimeStatus));
        Assert.Null(bare.SerializedInput);
        Assert.Null(bare.SerializedOutput);
        Assert.Null(bare.SerializedCustomStatus);
        Assert.NotNull(bare.CompletedAt);
        Assert.True(bare.CreatedAt <= bare.LastUpdatedAt);
        Assert.Null(await host.Client.GetInstanceAsync("no-such-instance"));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetInstanceHistoryAsync_CompletedInstance_HasExpectedEventsWithTimestampsAndSequentialIds()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, x) => x)
            .AddOrchestratorFunc<string>("Steps", async ctx =>
            {
                string a = await ctx.CallActivityAsync<string>("Echo", "a");
                return a + await ctx.WaitForExternalEvent<string>("b");
            }));

        string id = await host.ScheduleAsync("Steps");
        await host.WaitForHistoryAsync(id, h => h.OfType<TaskCompletedEvent>().Any());
        await host.Client.RaiseEventAsync(id, "b", "b");
        OrchestrationMetadata done = await host.CompletionAsync(id);
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);

        Assert.Equal(
            [
                "OrchestratorStarted", "ExecutionStarted", "TaskScheduled", "OrchestratorCompleted",
                "OrchestratorStarted", "TaskCompleted", "OrchestratorCompleted",
                "OrchestratorStarted", "EventRaised", "ExecutionCompleted", "OrchestratorCompleted",
            ],
            history.Select(e => e.GetType().Name[..^"Event".Length]));
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.EventId));
        // Messages keep their origin's time (ExecutionStarted: the client's; TaskCompleted: the activity's), so
        // only episode starts are ordered; all lie between creation and completion.
        Assert.All(history, e => Assert.InRange(e.Timestamp, done.CreatedAt, done.CompletedAt!.Value));
        Assert.Equal(done.CreatedAt, history.OfType<ExecutionStartedEvent>().Single().Timestamp);
        DateTime[] episodes = [.. history.OfType<OrchestratorStartedEvent>().Select(e => e.Timestamp)];
        Assert.Equal(episodes.Order(), episodes);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, history.OfType<ExecutionCompletedEvent>().Single().Status);
        Assert.Empty(await host.Client.GetInstanceHistoryAsync("no-such-instance"));
    }

    [Fact(Timeout = 60_000)]
    public async Task RaiseEventAsync_UnknownInstance_ThrowsNotFound()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);

        var ex = await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.RaiseEventAsync("ghost", "done"));

        Assert.Contains("'ghost'", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task RaiseEventAsync_FinishedInstance_ThrowsStateException()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        OrchestrationMetadata done = await host.RunAsync("Echoer", "x");

        var ex = await Assert.ThrowsAsync<OrchestrationStateException>(() => host.Client.RaiseEventAsync(done.InstanceId, "done"));

        Assert.Contains("Completed", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task TerminateInstanceAsync_RunningInstance_EndsTerminatedWithReasonAndOutput()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        string id = await host.ScheduleAsync("Waiter");
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await host.Client.TerminateInstanceAsync(id, "no longer needed", new[] { "partial" });
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal(["partial"], result.ReadOutputAs<string[]>()!);
        ExecutionTerminatedEvent terminated = (await host.Client.GetInstanceHistoryAsync(id)).OfType<ExecutionTerminatedEvent>().Single();
        Assert.Equal("no longer needed", terminated.Reason);
        await Assert.ThrowsAsync<OrchestrationStateException>(() => host.Client.TerminateInstanceAsync(id));
    }

    [Fact(Timeout = 60_000)]
    public async Task SuspendInstanceAsync_EventsRaisedWhileSuspended_AreDeliveredInOrderAfterResume()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string>("Collector", async ctx =>
        {
            string a = await ctx.WaitForExternalEvent<string>("item");
            string b = await ctx.WaitForExternalEvent<string>("item");
            string c = await ctx.WaitForExternalEvent<string>("item");
            return a + b + c;
        }));
        string id = await host.ScheduleAsync("Collector");
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await host.Client.SuspendInstanceAsync(id, "maintenance");
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        foreach (string item in new[] { "1", "2", "3" })
        {
            await host.Client.RaiseEventAsync(id, "item", item);
        }

        await host.WaitForHistoryAsync(id, h => h.OfType<EventRaisedEvent>().Count() == 3);
        // All three events are recorded, yet the instance has not consumed them.
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id))?.RuntimeStatus);
        await host.Client.ResumeInstanceAsync(id, "done");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("123", result.ReadOutputAs<string>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal("maintenance", history.OfType<ExecutionSuspendedEvent>().Single().Reason);
        Assert.Single(history.OfType<ExecutionResumedEvent>());
    }

    [Fact(Timeout = 60_000)]
    public async Task RestartAsync_SameInstanceId_RunsAgainWithOriginalInput()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        OrchestrationMetadata first = await host.RunAsync("Echoer", "again", instanceId: "restartable");

        string restarted = await host.Client.RestartAsync("restartable");
        OrchestrationMetadata second = await host.CompletionAsync(restarted);

        Assert.Equal("restartable", restarted);
        Assert.Equal("again", second.ReadOutputAs<string>());
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
    }

    [Fact(Timeout = 60_000)]
    public async Task RestartAsync_NewInstanceId_RunsACopyAndKeepsTheOriginal()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        OrchestrationMetadata original = await host.RunAsync("Echoer", "copy me", instanceId: "original");

        string copy = await host.Client.RestartAsync("original", restartWithNewInstanceId: true);
        OrchestrationMetadata copied = await host.CompletionAsync(copy);

        Assert.NotEqual("original", copy);
        Assert.Equal(("Echoer", "copy me"), (copied.Name, copied.ReadOutputAs<string>()));
        Assert.Equal(original.ExecutionId, (await host.Client.GetInstanceAsync("original"))?.ExecutionId);
    }

    [Fact(Timeout = 60_000)]
    public async Task RestartAsync_RunningOrUnknownInstance_Throws()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        string id = await host.ScheduleAsync("Waiter");

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.Client.RestartAsync(id));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.RestartAsync("ghost"));
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeInstanceAsync_FinishedInstance_RemovesInstanceAndHistory()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        OrchestrationMetadata done = await host.RunAsync("Echoer", "x");

        PurgeResult purged = await host.Client.PurgeInstanceAsync(done.InstanceId);

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(done.InstanceId));
        Assert.Empty(await host.Client.GetInstanceHistoryAsync(done.InstanceId));
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync(done.InstanceId)).PurgedInstanceCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task PurgeInstanceAsync_RunningInstance_ThrowsStateExceptionAndKeepsIt()
    {
        await using EngineHost host = await EngineHost.StartAsync(Register);
        string id = await host.ScheduleAsync("Waiter");
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var ex = await Assert.ThrowsAsync<OrchestrationStateException>(() => host.Client.PurgeInstanceAsync(id));

        Assert.Contains("Running", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(await host.Client.GetInstanceAsync(id));
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitForInstanceStartAsync_StartAtInTheFuture_ReturnsOnceTheClockReachesIt()
    {
        var clock = new FakeTimeProvider();
        DateTimeOffset startAt = clock.GetUtcNow().AddHours(1);
        await using EngineHost host = await EngineHost.StartAsync(Register, clock: clock);

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", options: new StartOrchestrationOptions { StartAt = startAt });
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await host.Client.GetInstanceAsync(id))?.RuntimeStatus);
        Task<OrchestrationMetadata> started = host.Client.WaitForInstanceStartAsync(id);
        clock.Advance(TimeSpan.FromHours(1));
        OrchestrationMetadata running = await started.WaitAsync(EngineHost.Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.True(history.OfType<OrchestratorStartedEvent>().First().Timestamp >= startAt.UtcDateTime);
        Assert.Equal(startAt.UtcDateTime, history.OfType<ExecutionStartedEvent>().Single().ScheduledStartTime);
    }
}
