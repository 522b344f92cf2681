using AgentFactory.Durable.History;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Engine;

public class RetryTests
{
    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_RetryPolicyWithBackoff_RetriesAfterGrowingDurableTimers()
    {
        int attempts = 0;
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, int>("Flaky", (_, _) =>
            {
                int attempt = Interlocked.Increment(ref attempts);
                return attempt < 3 ? throw new TimeoutException($"attempt {attempt}") : attempt;
            })
            .AddOrchestratorFunc<int>("Retrying", ctx => ctx.CallActivityAsync<int>("Flaky", null,
                TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(10), backoffCoefficient: 2)))),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("Retrying");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromSeconds(10));
        await host.AdvanceWhenTimersCreatedAsync(id, 2, TimeSpan.FromSeconds(20));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(3, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], history.OfType<TimerCreatedEvent>().Select(t => t.FireAt - t.Timestamp));
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_EveryAttemptFails_ThrowsLastFailureAfterMaxNumberOfAttempts()
    {
        int attempts = 0;
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, int>("AlwaysFails", int (_, _) =>
                throw new InvalidOperationException($"attempt {Interlocked.Increment(ref attempts)}"))
            .AddOrchestratorFunc<string>("GivesUp", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("AlwaysFails", null, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMinutes(1))));
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("GivesUp");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromMinutes(1));
        await host.AdvanceWhenTimersCreatedAsync(id, 2, TimeSpan.FromMinutes(1));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("attempt 3", result.ReadOutputAs<string>());
        Assert.Equal(3, Volatile.Read(ref attempts));
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(3, history.OfType<TaskFailedEvent>().Count());
        Assert.Equal(2, history.OfType<TimerCreatedEvent>().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_HandlePredicate_RetriesOnlyFailuresItAccepts()
    {
        int attempts = 0;
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(5)) { Handle = f => f.FailureDetails.IsCausedBy<TimeoutException>() };
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, int>("TimeoutThenBadArgument", int (_, _) => Interlocked.Increment(ref attempts) == 1
                ? throw new TimeoutException("transient")
                : throw new ArgumentException("permanent"))
            .AddOrchestratorFunc<string>("Selective", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("TimeoutThenBadArgument", null, TaskOptions.FromRetryPolicy(policy));
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorType;
                }
            }),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("Selective");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromSeconds(5));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        // The timeout was retried; the ArgumentException was not, although attempts were left.
        Assert.Equal(typeof(ArgumentException).FullName, result.ReadOutputAs<string>());
        Assert.Equal(2, Volatile.Read(ref attempts));
        Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerCreatedEvent>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_RetryTimeoutReached_StopsRetryingBeforeMaxAttempts()
    {
        int attempts = 0;
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(10), retryTimeout: TimeSpan.FromSeconds(15));
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, int>("AlwaysFails", int (_, _) =>
                throw new InvalidOperationException($"attempt {Interlocked.Increment(ref attempts)}"))
            .AddOrchestratorFunc<string>("Bounded", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("AlwaysFails", null, TaskOptions.FromRetryPolicy(policy));
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("Bounded");
        // Retry 1 would start 10 s after the first attempt (within 15 s); retry 2 would start at 20 s (beyond it).
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromSeconds(10));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal("attempt 2", result.ReadOutputAs<string>());
        Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerCreatedEvent>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_RetryPolicy_RetriesTheFailedChild()
    {
        int runs = 0;
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, int>("CountRun", (_, _) => Interlocked.Increment(ref runs))
            .AddOrchestratorFunc<int>("FlakyChild", async ctx =>
            {
                int run = await ctx.CallActivityAsync<int>("CountRun");
                return run == 1 ? throw new InvalidOperationException("first run fails") : run;
            })
            .AddOrchestratorFunc<int>("Parent", ctx => ctx.CallSubOrchestratorAsync<int>("FlakyChild", null,
                TaskOptions.FromRetryPolicy(new RetryPolicy(2, TimeSpan.FromSeconds(30))))),
            clock: new FakeTimeProvider());

        string id = await host.ScheduleAsync("Parent");
        await host.AdvanceWhenTimersCreatedAsync(id, 1, TimeSpan.FromSeconds(30));
        OrchestrationMetadata result = await host.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(2, result.ReadOutputAs<int>());
        Assert.Equal(2, (await host.Client.GetInstanceHistoryAsync(id)).OfType<SubOrchestrationInstanceCreatedEvent>().Count());
    }

    [Fact]
    public void GetDelay_BackoffWithCap_GrowsByCoefficientUpToMaxRetryInterval()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5));

        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(i => policy.GetDelay(i).TotalSeconds));
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(1), backoffCoefficient: 0.5));
    }
}
