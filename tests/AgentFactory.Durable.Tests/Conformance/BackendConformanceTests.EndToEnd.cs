using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Conformance;

/// <summary>The engine (worker and client) running over the backend.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact(Timeout = 60_000)]
    public async Task Engine_SequenceOfActivities_Completes()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddActivityFunc<string, string>("Append", (_, s) => s + "+")
            .AddOrchestratorFunc<string, string>("Sequence", async (ctx, s) =>
            {
                for (int i = 0; i < 3; i++)
                {
                    s = await ctx.CallActivityAsync<string>("Append", s);
                }

                return s;
            }));

        OrchestrationMetadata result = await RunAsync(host, "Sequence", "x");

        Assert.Equal("x+++", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_FanOutOf20_CompletesWithEveryResult()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, x) => x * x)
            .AddOrchestratorFunc<int>("FanOut", async ctx =>
            {
                int[] squares = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => ctx.CallActivityAsync<int>("Square", i)));
                return squares.Sum();
            }));

        OrchestrationMetadata result = await RunAsync(host, "FanOut");

        Assert.Equal(Enumerable.Range(1, 20).Sum(i => i * i), result.ReadOutputAs<int>());
        Assert.Equal(20, (await host.Client.GetInstanceHistoryAsync(result.InstanceId)).OfType<TaskCompletedEvent>().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_ExternalEvent_ReachesTheWaitingInstance()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddOrchestratorFunc<string>("Approval", ctx => ctx.WaitForExternalEvent<string>("approve")));

        string id = await host.ScheduleAsync("Approval");
        await host.Client.WaitForInstanceStartAsync(id).WaitAsync(WaitLimit);
        await host.Client.RaiseEventAsync(id, "approve", "granted");
        OrchestrationMetadata result = await CompletionAsync(host, id);

        Assert.Equal("granted", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_DurableTimer_FiresNoEarlierThanItsDueTime()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddOrchestratorFunc<string>("Nap", async ctx =>
            {
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                return "rested";
            }));

        OrchestrationMetadata result = await RunAsync(host, "Nap");

        Assert.Equal("rested", result.ReadOutputAs<string>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(result.InstanceId);
        TimerCreatedEvent created = history.OfType<TimerCreatedEvent>().Single();
        Assert.Single(history.OfType<TimerFiredEvent>());
        Assert.True(history.OfType<OrchestratorStartedEvent>().Last().Timestamp >= created.FireAt, "the timer fired before its due time");
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_SubOrchestration_ReturnsChildOutput()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddActivityFunc<int, int>("Double", (_, x) => x * 2)
            .AddOrchestratorFunc<int, int>("Child", (ctx, x) => ctx.CallActivityAsync<int>("Double", x))
            .AddOrchestratorFunc<int, int>("Parent", async (ctx, x) =>
                await ctx.CallSubOrchestratorAsync<int>("Child", x, instanceId: "e2e-child") + 1));

        OrchestrationMetadata result = await RunAsync(host, "Parent", 20);

        Assert.Equal(41, result.ReadOutputAs<int>());
        OrchestrationMetadata? child = await host.Client.GetInstanceAsync("e2e-child");
        Assert.Equal((OrchestrationRuntimeStatus.Completed, result.InstanceId), (child?.RuntimeStatus, child?.ParentInstanceId));
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_ContinueAsNew_EndsWithTheLastExecutionsHistory()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => x + 1)
            .AddOrchestratorFunc<int, int>("Loop", async (ctx, n) =>
            {
                if (n == 3)
                {
                    return n;
                }

                ctx.ContinueAsNew(await ctx.CallActivityAsync<int>("Inc", n));
                return -1;
            }));

        OrchestrationMetadata result = await RunAsync(host, "Loop", 0);

        Assert.Equal(3, result.ReadOutputAs<int>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(result.InstanceId);
        Assert.Equal("3", Assert.Single(history.OfType<ExecutionStartedEvent>()).Input);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.EventId));
    }

    [Fact(Timeout = 60_000)]
    public async Task Engine_Terminate_EndsTheWaitingInstance()
    {
        await using EngineHost host = await StartEngineAsync(r => r
            .AddOrchestratorFunc<string>("Forever", ctx => ctx.WaitForExternalEvent<string>("never")));

        string id = await host.ScheduleAsync("Forever");
        await host.Client.WaitForInstanceStartAsync(id).WaitAsync(WaitLimit);
        await host.Client.TerminateInstanceAsync(id, "stop", "stopped");
        OrchestrationMetadata result = await CompletionAsync(host, id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("stopped", result.ReadOutputAs<string>());
    }

    private async Task<EngineHost> StartEngineAsync(Action<DurableTaskRegistry> register)
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        return await EngineHost.StartAsync(register, backend);
    }

    private static async Task<OrchestrationMetadata> RunAsync(EngineHost host, string name, object? input = null) =>
        await CompletionAsync(host, await host.ScheduleAsync(name, input));

    private static Task<OrchestrationMetadata> CompletionAsync(EngineHost host, string instanceId) =>
        host.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(WaitLimit);
}
