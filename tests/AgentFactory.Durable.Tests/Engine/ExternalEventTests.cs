using AgentFactory.Durable.History;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class ExternalEventTests
{
    [Fact(Timeout = 60_000)]
    public async Task WaitForExternalEvent_NameDiffersInCase_StillMatches()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Approve", ctx => ctx.WaitForExternalEvent<string>("approval")));

        string id = await host.ScheduleAsync("Approve");
        await host.WaitUntilAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await host.Client.RaiseEventAsync(id, "APPROVAL", "granted");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("granted", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitForExternalEvent_EventRaisedBeforeTheWait_IsBufferedAndCompletesIt()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Gated", async ctx =>
            {
                string gate = await ctx.WaitForExternalEvent<string>("gate");
                string early = await ctx.WaitForExternalEvent<string>("early");
                return $"{gate}+{early}";
            }));

        string id = await host.ScheduleAsync("Gated");
        await host.Client.RaiseEventAsync(id, "early", "e");
        // Recorded while the code still waited for "gate" alone: it can only have been buffered.
        await host.WaitForHistoryAsync(id, h => h.OfType<EventRaisedEvent>().Any(e => e.Name == "early"));
        await host.Client.RaiseEventAsync(id, "gate", "g");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("g+e", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitForExternalEvent_SeveralWaitsOnOneName_CompleteInOrder()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<int[]>("Collect", async ctx =>
            {
                Task<int>[] waits = [.. Enumerable.Range(0, 3).Select(_ => ctx.WaitForExternalEvent<int>("item"))];
                int[] concurrent = await Task.WhenAll(waits);
                int[] sequential = [await ctx.WaitForExternalEvent<int>("item"), await ctx.WaitForExternalEvent<int>("item")];
                return [.. concurrent, .. sequential];
            }));

        string id = await host.ScheduleAsync("Collect");
        foreach (int i in Enumerable.Range(1, 5))
        {
            await host.Client.RaiseEventAsync(id, "item", i);
        }

        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal([1, 2, 3, 4, 5], result.ReadOutputAs<int[]>()!);
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitForExternalEvent_TimeoutExpires_ThrowsTaskCanceledExceptionNamingTheEvent()
    {
        var clock = new FakeTimeProvider();
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Impatient", async ctx =>
            {
                try
                {
                    return await ctx.WaitForExternalEvent<string>("approval", TimeSpan.FromMinutes(30));
                }
                catch (TaskCanceledException ex)
                {
                    return "caught: " + ex.Message;
                }
            }), clock: clock);

        string id = await host.ScheduleAsync("Impatient");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromMinutes(30));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        string output = result.ReadOutputAs<string>()!;
        Assert.StartsWith("caught: ", output, StringComparison.Ordinal);
        Assert.Contains("'approval'", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitForExternalEvent_EventBeforeTimeout_ReturnsThePayload()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("InTime", ctx => ctx.WaitForExternalEvent<string>("approval", TimeSpan.FromMinutes(30))),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("InTime");
        await host.WaitForHistoryAsync(id, h => h.OfType<TimerCreatedEvent>().Any());
        await host.Client.RaiseEventAsync(id, "approval", "ok");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("ok", result.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task SendEvent_ToAnotherInstance_ReachesItsWait()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Receiver", ctx => ctx.WaitForExternalEvent<string>("ping"))
            .AddOrchestratorFunc<string, string>("Sender", (ctx, target) =>
            {
                ctx.SendEvent(target, "Ping", $"hello from {ctx.InstanceId}");
                return Task.FromResult("sent");
            }));

        string receiver = await host.ScheduleAsync("Receiver", instanceId: "receiver-1");
        OrchestrationMetadata sender = await host.RunAsync("Sender", receiver, instanceId: "sender-1");
        OrchestrationMetadata received = await host.CompletionAsync(receiver);

        Assert.Equal("sent", sender.ReadOutputAs<string>());
        Assert.Equal("hello from sender-1", received.ReadOutputAs<string>());
        EventSentEvent sent = (await host.Client.GetInstanceHistoryAsync(sender.InstanceId)).OfType<EventSentEvent>().Single();
        Assert.Equal(("receiver-1", "Ping"), (sent.InstanceId, sent.Name));
    }
}
