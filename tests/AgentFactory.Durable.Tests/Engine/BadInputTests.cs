using AgentFactory.Durable.History;
using AgentFactory.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Durable.Tests.Engine;

public class BadInputTests
{
    [Fact(Timeout = 60_000)]
    public async Task ScheduleNewOrchestrationInstanceAsync_UnknownOrchestrator_InstanceFailsNamingIt()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string>("Known", _ => Task.FromResult("")));

        OrchestrationMetadata result = await host.RunAsync("Unknwon");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("No orchestrator named 'Unknwon'", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CallActivityAsync_UnknownActivity_OrchestratorCatchesTaskFailedExceptionNamingIt()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string>("CallsTypo", async ctx =>
        {
            try
            {
                return await ctx.CallActivityAsync<string>("SendEmial");
            }
            catch (TaskFailedException ex)
            {
                return ex.FailureDetails.ErrorMessage;
            }
        }));

        OrchestrationMetadata result = await host.RunAsync("CallsTypo");

        Assert.Contains("No activity named 'SendEmial'", result.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Orchestrator_InputOfWrongShape_FailsSayingWhichInputAndType()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<int, int>("Doubler", (_, x) => Task.FromResult(x * 2)));

        OrchestrationMetadata result = await host.RunAsync("Doubler", "not a number");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        FailureDetails failure = result.FailureDetails!;
        Assert.Equal(typeof(ArgumentException).FullName, failure.ErrorType);
        Assert.Contains("input of orchestrator 'Doubler'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(Int32), failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Activity_InputOfWrongShape_FailsSayingWhichInputAndType()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<Order, int>("Ship", (_, order) => order.Quantity)
            .AddOrchestratorFunc<string>("Shipper", async ctx =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Ship", "three boxes");
                    return "shipped";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
                }
            }));

        OrchestrationMetadata result = await host.RunAsync("Shipper");

        string output = result.ReadOutputAs<string>()!;
        Assert.StartsWith(typeof(ArgumentException).FullName!, output, StringComparison.Ordinal);
        Assert.Contains("input of activity 'Ship'", output, StringComparison.Ordinal);
        Assert.Contains(nameof(Order), output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ScheduleNewOrchestrationInstanceAsync_OversizedInput_ThrowsPayloadTooLargeAndCreatesNothing()
    {
        await using EngineHost host = await EngineHost.StartAsync(
            r => r.AddOrchestratorFunc<string, string>("Big", (_, x) => Task.FromResult(x)),
            services: s => s.Configure<DurableTaskWorkerOptions>(o => o.MaxPayloadBytes = 1_000));

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => host.ScheduleAsync("Big", new string('x', 2_000), "too-big"));

        Assert.Contains("input of orchestrator 'Big'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2,002 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("limit is 1,000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Null(await host.Client.GetInstanceAsync("too-big"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Orchestrator_ThrowsException_InstanceFailsWithTypeMessageStackAndInnerFailure()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, x) => x)
            .AddOrchestratorFunc<string>("Crashes", async ctx =>
            {
                await ctx.CallActivityAsync<string>("Echo", "first");
                throw new InvalidOperationException("orchestrator crashed", new ArgumentException("root cause"));
            }));

        OrchestrationMetadata result = await host.RunAsync("Crashes");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        FailureDetails failure = result.FailureDetails!;
        Assert.Equal((typeof(InvalidOperationException).FullName, "orchestrator crashed"), (failure.ErrorType, failure.ErrorMessage));
        Assert.False(string.IsNullOrWhiteSpace(failure.StackTrace));
        Assert.Equal((typeof(ArgumentException).FullName, "root cause"), (failure.InnerFailure?.ErrorType, failure.InnerFailure?.ErrorMessage));
        Assert.Equal(failure, (await host.Client.GetInstanceHistoryAsync(result.InstanceId)).OfType<ExecutionCompletedEvent>().Single().Failure);
    }

    [Fact(Timeout = 60_000)]
    public async Task Orchestrator_AwaitsTaskDelay_FailsWithNonDurableAwaitInsteadOfHanging()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string>("Sleepy", async _ =>
        {
            await Task.Delay(TimeSpan.FromMinutes(1));
            return "woke";
        }));

        OrchestrationMetadata result = await host.RunAsync("Sleepy");

        AssertNonDurableAwait(result);
    }

    [Fact(Timeout = 60_000)]
    public async Task Orchestrator_AwaitsTaskRun_FailsWithNonDurableAwaitInsteadOfHanging()
    {
        // The Task.Run work cannot finish before the episode ends, so the outcome does not depend on timing.
        var never = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using EngineHost host = await EngineHost.StartAsync(r => r.AddOrchestratorFunc<string>("Threaded", async _ =>
            await Task.Run(() => never.Task)));

        OrchestrationMetadata result = await host.RunAsync("Threaded");

        AssertNonDurableAwait(result);
        never.SetResult("too late");
    }

    private static void AssertNonDurableAwait(OrchestrationMetadata result)
    {
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDurableAwaitException).FullName, result.FailureDetails?.ErrorType);
        Assert.Contains("not durable", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("CreateTimer", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    public sealed record Order(int Quantity);
}
