using AgentFactory.Durable.History;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Durable.Tests.Engine;

public class ActivityTests
{
    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_Sequence_PassesEachResultToTheNext()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<int, int>("AddOne", (_, x) => x + 1)
            .AddActivityFunc<int, int>("Double", (_, x) => x * 2)
            .AddOrchestratorFunc<int, int>("Chain", async (ctx, x) =>
            {
                int a = await ctx.CallActivityAsync<int>("AddOne", x);
                int b = await ctx.CallActivityAsync<int>("Double", a);
                return await ctx.CallActivityAsync<int>("AddOne", b);
            }));

        OrchestrationMetadata result = await host.RunAsync("Chain", 5);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(13, result.ReadOutputAs<int>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(result.InstanceId);
        Assert.Equal(["AddOne", "Double", "AddOne"], history.OfType<TaskScheduledEvent>().Select(e => e.Name));
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_FanOutFanIn_ReturnsAllResultsInOrder()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, x) => x * x)
            .AddOrchestratorFunc<int, int[]>("FanOut", async (ctx, n) =>
            {
                Task<int>[] tasks = [.. Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("Square", i))];
                return await Task.WhenAll(tasks);
            }));

        OrchestrationMetadata result = await host.RunAsync("FanOut", 10);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i * i), result.ReadOutputAs<int[]>()!);
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(result.InstanceId);
        Assert.Equal(10, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(10, history.OfType<TaskCompletedEvent>().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_ActivityThrows_OrchestratorCatchesTaskFailedExceptionWithDetails()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Fail", Failing.Throw)
            .AddOrchestratorFunc<CaughtFailure>("Catcher", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<string>("Fail", "outer message");
                    return new CaughtFailure("", -1, "", null);
                }
                catch (TaskFailedException ex)
                {
                    return new CaughtFailure(ex.TaskName, ex.TaskId, ex.Message, ex.FailureDetails);
                }
            }));

        OrchestrationMetadata result = await host.RunAsync("Catcher");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        CaughtFailure caught = result.ReadOutputAs<CaughtFailure>()!;
        Assert.Equal("Fail", caught.TaskName);
        Assert.Equal(0, caught.TaskId);
        Assert.Contains("outer message", caught.Message, StringComparison.Ordinal);
        FailureDetails details = caught.Details!;
        Assert.Equal(typeof(InvalidOperationException).FullName, details.ErrorType);
        Assert.Equal("outer message", details.ErrorMessage);
        Assert.Contains(nameof(Failing.Throw), details.StackTrace, StringComparison.Ordinal);
        Assert.NotNull(details.InnerFailure);
        Assert.Equal(typeof(FormatException).FullName, details.InnerFailure.ErrorType);
        Assert.Equal("inner cause", details.InnerFailure.ErrorMessage);
        Assert.True(details.IsCausedBy<FormatException>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_ActivityThrowsUncaught_OrchestrationFailsWithTheActivityFailureInside()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Fail", Failing.Throw)
            .AddOrchestratorFunc<string>("NoCatch", ctx => ctx.CallActivityAsync<string>("Fail", "unhandled")));

        OrchestrationMetadata result = await host.RunAsync("NoCatch");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        FailureDetails failure = result.FailureDetails!;
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("'Fail'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.InnerFailure?.ErrorType);
        Assert.True(failure.IsCausedBy<FormatException>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_ClassBasedActivityWithDependency_ResolvedByAttributeName()
    {
        await using EngineHost host = await EngineHost.StartAsync(
            r => r
                .AddActivity<GreetActivity>()
                .AddOrchestratorFunc<string, string>("Greeter", (ctx, name) => ctx.CallActivityAsync<string>("greet", name)),
            services: s => s.AddSingleton(new Greeting("Howdy")));

        OrchestrationMetadata result = await host.RunAsync("Greeter", "Ada");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("Howdy Ada", result.ReadOutputAs<string>());
    }

    public sealed record CaughtFailure(string TaskName, int TaskId, string Message, FailureDetails? Details);

    public sealed record Greeting(string Word);

    [DurableTask("Greet")]
    public sealed class GreetActivity(Greeting greeting) : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input, CancellationToken cancellationToken) =>
            Task.FromResult($"{greeting.Word} {input}");
    }
}

/// <summary>Activities that fail in a known way.</summary>
internal static class Failing
{
    /// <summary>Throws InvalidOperationException(<paramref name="message"/>) wrapping FormatException("inner cause").</summary>
    public static string Throw(TaskActivityContext context, string message) =>
        throw new InvalidOperationException(message, new FormatException("inner cause"));
}
