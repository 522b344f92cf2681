using AgentFactory.Durable.History;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class TimerTests
{
    [Fact(Timeout = 60_000)]
    public async Task CreateTimer_DateTime_FiresWhenTheClockReachesIt()
    {
        var clock = new FakeTimeProvider();
        DateTime start = clock.GetUtcNow().UtcDateTime;
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<DateTime>("Alarm", async ctx =>
            {
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(5), CancellationToken.None);
                return ctx.CurrentUtcDateTime;
            }), clock: clock);

        string id = await host.ScheduleAsync("Alarm");
        IReadOnlyList<HistoryEvent> waiting = await host.WaitForHistoryAsync(id, h => h.OfType<TimerCreatedEvent>().Any());
        Assert.Equal(start.AddMinutes(5), waiting.OfType<TimerCreatedEvent>().Single().FireAt);
        clock.Advance(TimeSpan.FromMinutes(5));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(start.AddMinutes(5), result.ReadOutputAs<DateTime>());
        Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerFiredEvent>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateTimer_TimeSpan_FiresAfterTheDelay()
    {
        var clock = new FakeTimeProvider();
        DateTime start = clock.GetUtcNow().UtcDateTime;
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<DateTime>("Nap", async ctx =>
            {
                await ctx.CreateTimer(TimeSpan.FromHours(2), CancellationToken.None);
                return ctx.CurrentUtcDateTime;
            }), clock: clock);

        string id = await host.ScheduleAsync("Nap");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromHours(2));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(start.AddHours(2), result.ReadOutputAs<DateTime>());
        TimerCreatedEvent created = (await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerCreatedEvent>().Single();
        Assert.Equal(start.AddHours(2), created.FireAt);
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateTimer_TokenCancelledAfterEventWins_TimerIsCancelledAndOrchestrationCompletes()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Deadline", async ctx =>
            {
                using var cts = new CancellationTokenSource();
                Task timer = ctx.CreateTimer(TimeSpan.FromDays(1), cts.Token);
                Task<string> approval = ctx.WaitForExternalEvent<string>("approval");
                if (await Task.WhenAny(timer, approval) != approval)
                {
                    return "timed out";
                }

                // Synchronous cancel: the timer's continuation must run on the orchestrator thread.
#pragma warning disable CA1849
                cts.Cancel();
#pragma warning restore CA1849
                return $"{await approval}; timer cancelled: {timer.IsCanceled}";
            }), clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("Deadline");
        await host.WaitForHistoryAsync(id, h => h.OfType<TimerCreatedEvent>().Any());
        await host.Client.RaiseEventAsync(id, "approval", "yes");
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("yes; timer cancelled: True", result.ReadOutputAs<string>());
        Assert.Empty((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerFiredEvent>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateTimer_TokenAlreadyCancelled_ReturnsCancelledTaskWithoutCreatingTimer()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Precancelled", async ctx =>
            {
                try
                {
                    await ctx.CreateTimer(TimeSpan.FromDays(1), new CancellationToken(canceled: true));
                    return "fired";
                }
                catch (TaskCanceledException)
                {
                    return "cancelled";
                }
            }), clock: new FakeTimeProvider());

        OrchestrationMetadata result = await host.RunAsync("Precancelled");

        Assert.Equal("cancelled", result.ReadOutputAs<string>());
        Assert.Empty((await host.Client.GetInstanceHistoryAsync(result.InstanceId)).OfType<TimerCreatedEvent>());
    }
}
