using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Engine;

public class ContinueAsNewTests
{
    [Fact(Timeout = 60_000)]
    public async Task ContinueAsNew_NewInput_StartsFreshExecutionWithReplacedHistory()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Increment", (_, x) => x + 1)
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                if (n >= 3)
                {
                    return n;
                }

                ctx.ContinueAsNew(await ctx.CallActivityAsync<int>("Increment", n));
                return -1;
            }));

        OrchestrationMetadata result = await host.RunAsync("Counter", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(3, result.ReadInputAs<int>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(result.InstanceId);
        ExecutionStartedEvent started = Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Equal("3", started.Input);
        Assert.Equal(result.ExecutionId, started.ExecutionId);
        Assert.Empty(history.OfType<TaskScheduledEvent>());
        Assert.Empty(history.OfType<ContinueAsNewEvent>());
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.EventId));
    }

    [Fact(Timeout = 60_000)]
    public async Task ContinueAsNew_PreserveUnprocessedEvents_EventRaisedBeforeReachesNextExecution()
    {
        await using EngineHost host = await StartCyclingHostAsync(preserveUnprocessedEvents: true);

        string id = await host.ScheduleAsync("Cycle", 0);
        await RaiseEarlyEventThenGoAsync(host, id);
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("early", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task ContinueAsNew_DiscardUnprocessedEvents_EventRaisedBeforeIsDropped()
    {
        await using EngineHost host = await StartCyclingHostAsync(preserveUnprocessedEvents: false);

        string id = await host.ScheduleAsync("Cycle", 0);
        await RaiseEarlyEventThenGoAsync(host, id);
        // The second execution is waiting; had "early" been carried over it would have completed with it.
        await host.WaitForHistoryAsync(id, h => h.OfType<ExecutionStartedEvent>().Any(e => e.Input == "1"));
        await host.Client.RaiseEventAsync(id, "extra", "late");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("late", result.ReadOutputAs<string>());
    }

    private static Task<EngineHost> StartCyclingHostAsync(bool preserveUnprocessedEvents) =>
        EngineHost.StartAsync(r => r.AddOrchestratorFunc<int, string>("Cycle", async (ctx, generation) =>
        {
            if (generation == 0)
            {
                await ctx.WaitForExternalEvent<string>("go");
                ctx.ContinueAsNew(1, preserveUnprocessedEvents);
                return "continued";
            }

            return await ctx.WaitForExternalEvent<string>("extra");
        }));

    private static async Task RaiseEarlyEventThenGoAsync(EngineHost host, string id)
    {
        await host.Client.RaiseEventAsync(id, "extra", "early");
        // In the first execution's history: received while it waited only for "go", so still unprocessed.
        await host.WaitForHistoryAsync(id, h => h.OfType<EventRaisedEvent>().Any(e => e.Name == "extra"));
        await host.Client.RaiseEventAsync(id, "go", "now");
    }
}
