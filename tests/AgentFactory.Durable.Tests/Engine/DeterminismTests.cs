using System.Collections.Concurrent;
using AgentFactory.Durable.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class DeterminismTests
{
    [Fact(Timeout = 60_000)]
    public async Task NewGuid_AcrossReplays_ReturnsTheSameValuesAndDistinctOnesPerCall()
    {
        var firstSeen = new ConcurrentQueue<Guid>();
        var secondSeen = new ConcurrentQueue<Guid>();
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Noop", (_, x) => x)
            .AddOrchestratorFunc<Guid[]>("Guids", async ctx =>
            {
                Guid first = ctx.NewGuid();
                firstSeen.Enqueue(first);
                await ctx.CallActivityAsync<string>("Noop", "a");
                Guid second = ctx.NewGuid();
                secondSeen.Enqueue(second);
                await ctx.CallActivityAsync<string>("Noop", "b");
                return [first, second];
            }));

        OrchestrationMetadata result = await host.RunAsync("Guids");

        Guid[] output = result.ReadOutputAs<Guid[]>()!;
        // Three episodes (real clock, so each at a different time): the first value was computed three times, the second twice.
        Assert.Equal([output[0], output[0], output[0]], firstSeen);
        Assert.Equal([output[1], output[1]], secondSeen);
        Assert.NotEqual(output[0], output[1]);
        Assert.NotEqual(Guid.Empty, output[0]);
    }

    [Fact(Timeout = 60_000)]
    public async Task CurrentUtcDateTime_AcrossEpisodes_ComesFromHistoryNotTheWallClock()
    {
        var clock = new FakeTimeProvider();
        DateTime start = clock.GetUtcNow().UtcDateTime;
        var beforeSeen = new ConcurrentQueue<DateTime>();
        var activityStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Hold", async (_, x) =>
            {
                activityStarted.TrySetResult();
                await release.Task;
                return x;
            })
            .AddOrchestratorFunc<DateTime[]>("Times", async ctx =>
            {
                DateTime before = ctx.CurrentUtcDateTime;
                beforeSeen.Enqueue(before);
                await ctx.CallActivityAsync<string>("Hold", "x");
                return [before, ctx.CurrentUtcDateTime];
            }), clock: clock);

        string id = await host.ScheduleAsync("Times");
        await activityStarted.Task.WaitAsync(EngineHost.Timeout);
        clock.Advance(TimeSpan.FromMinutes(1));
        release.SetResult();
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal([start, start.AddMinutes(1)], result.ReadOutputAs<DateTime[]>()!);
        Assert.Equal([start, start], beforeSeen);
        Assert.All(beforeSeen, t => Assert.Equal(DateTimeKind.Utc, t.Kind));
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateReplaySafeLogger_ThreeEpisodes_EachMessageIsLoggedOnceAndIsReplayingIsTrueOnlyDuringReplay()
    {
        var logs = new CapturingLoggerProvider();
        var replaying = new ConcurrentQueue<string>();
        await using EngineHost host = await EngineHost.StartAsync(
            r => r
                .AddActivityFunc<string, string>("Noop", (_, x) => x)
                .AddOrchestratorFunc<string>("Chatty", async ctx =>
                {
                    ILogger logger = ctx.CreateReplaySafeLogger("Chatty");
                    replaying.Enqueue($"start:{ctx.IsReplaying}");
                    logger.LogInformation("starting");
                    await ctx.CallActivityAsync<string>("Noop", "1");
                    replaying.Enqueue($"middle:{ctx.IsReplaying}");
                    logger.LogInformation("middle");
                    await ctx.CallActivityAsync<string>("Noop", "2");
                    replaying.Enqueue($"end:{ctx.IsReplaying}");
                    logger.LogInformation("ending");
                    return "done";
                }),
            services: s => s.AddSingleton<ILoggerProvider>(logs));

        await host.RunAsync("Chatty");

        Assert.Equal(["starting", "middle", "ending"], logs.MessagesOf("Chatty"));
        Assert.Equal(
            ["start:False", "start:True", "middle:False", "start:True", "middle:True", "end:False"],
            replaying);
    }

    [Fact(Timeout = 60_000)]
    public async Task Replay_CodeCallsDifferentActivityThanHistory_FailsNamingExpectedAndActualActions()
    {
        var changed = new StrongFlag();
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("OldStep", (_, x) =>
            {
                changed.Set(); // "deploys" new orchestrator code between the first and the second episode
                return x;
            })
            .AddActivityFunc<string, string>("NewStep", (_, x) => x)
            .AddOrchestratorFunc<string>("Evolving", async ctx =>
            {
                string step = changed.IsSet ? "NewStep" : "OldStep";
                await ctx.CallActivityAsync<string>(step, "x");
                return step;
            }));

        OrchestrationMetadata result = await host.RunAsync("Evolving");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        FailureDetails failure = result.FailureDetails!;
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, failure.ErrorType);
        Assert.Contains("expected TaskScheduled 'OldStep'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("the code produced CallActivity 'NewStep'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'Evolving'", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Replay_CodeSchedulesMoreThanHistoryRecorded_FailsAsNonDeterministic()
    {
        var changed = new StrongFlag();
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Step", (_, x) =>
            {
                changed.Set();
                return x;
            })
            .AddOrchestratorFunc<string>("Growing", async ctx =>
            {
                Task<string> first = ctx.CallActivityAsync<string>("Step", "1");
                if (changed.IsSet)
                {
                    // New code fans out where the old code called one activity.
                    await ctx.CallActivityAsync<string>("Step", "2");
                }

                return await first;
            }));

        OrchestrationMetadata result = await host.RunAsync("Growing");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails?.ErrorType);
        Assert.Contains("CallActivity 'Step' (task 1)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>A flag written by an activity and read by orchestrator code on other threads.</summary>
    private sealed class StrongFlag
    {
        private volatile bool _set;

        public bool IsSet => _set;

        public void Set() => _set = true;
    }
}
