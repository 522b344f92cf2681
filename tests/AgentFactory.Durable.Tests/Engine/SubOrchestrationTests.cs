using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Engine;

public class SubOrchestrationTests
{
    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_ExplicitInstanceId_ChildRunsUnderThatIdWithParentRecorded()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Double", (_, x) => x * 2)
            .AddOrchestratorFunc<int, int>("Child", (ctx, x) => ctx.CallActivityAsync<int>("Double", x))
            .AddOrchestratorFunc<int, int>("Parent", (ctx, x) => ctx.CallSubOrchestratorAsync<int>("Child", x, instanceId: "child-of-parent-1")));

        OrchestrationMetadata parent = await host.RunAsync("Parent", 21, instanceId: "parent-1");
        OrchestrationMetadata? child = await host.Client.GetInstanceAsync("child-of-parent-1", getInputsAndOutputs: true);

        Assert.Equal(42, parent.ReadOutputAs<int>());
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal("Child", child.Name);
        Assert.Equal("parent-1", child.ParentInstanceId);
        Assert.Equal(21, child.ReadInputAs<int>());
        Assert.Equal(42, child.ReadOutputAs<int>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_NoInstanceId_GeneratesDistinctIdsForEachChild()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Child", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int>("Parent", async ctx =>
            {
                int a = await ctx.CallSubOrchestratorAsync<int>("Child", 1);
                int b = await ctx.CallSubOrchestratorAsync<int>("Child", 10);
                return a + b;
            }));

        OrchestrationMetadata parent = await host.RunAsync("Parent");

        Assert.Equal(13, parent.ReadOutputAs<int>());
        string[] childIds = [.. (await host.Client.GetInstanceHistoryAsync(parent.InstanceId))
            .OfType<SubOrchestrationInstanceCreatedEvent>().Select(e => e.InstanceId)];
        Assert.Equal(2, childIds.Distinct().Count());
        foreach (string childId in childIds)
        {
            OrchestrationMetadata? child = await host.Client.GetInstanceAsync(childId);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, child?.RuntimeStatus);
            Assert.Equal(parent.InstanceId, child?.ParentInstanceId);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_ChildThrows_ParentCatchesTaskFailedExceptionWithChildFailure()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Child", _ => throw new InvalidOperationException("child broke"))
            .AddOrchestratorFunc<string[]>("Parent", async ctx =>
            {
                try
                {
                    await ctx.CallSubOrchestratorAsync<string>("Child");
                    return [];
                }
                catch (TaskFailedException ex)
                {
                    return [ex.TaskName, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage];
                }
            }));

        OrchestrationMetadata parent = await host.RunAsync("Parent");

        Assert.Equal(["Child", typeof(InvalidOperationException).FullName!, "child broke"], parent.ReadOutputAs<string[]>()!);
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_ActivityFailsInsideChild_FailureChainReachesParent()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Fail", Failing.Throw)
            .AddOrchestratorFunc<string>("Child", ctx => ctx.CallActivityAsync<string>("Fail", "deep failure"))
            .AddOrchestratorFunc<string>("Parent", ctx => ctx.CallSubOrchestratorAsync<string>("Child")));

        OrchestrationMetadata parent = await host.RunAsync("Parent");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, parent.RuntimeStatus);
        // Parent: TaskFailed(Child) > child: TaskFailed(Fail) > activity: InvalidOperationException > FormatException.
        FailureDetails failure = parent.FailureDetails!;
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("'Child'", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.InnerFailure?.ErrorType);
        Assert.Contains("'Fail'", failure.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("deep failure", failure.InnerFailure?.InnerFailure?.ErrorMessage);
        Assert.True(failure.IsCausedBy<FormatException>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_InstanceIdOfRunningInstance_ParentSeesFailureAndRunningInstanceIsUntouched()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Waiter", ctx => ctx.WaitForExternalEvent<string>("done"))
            .AddOrchestratorFunc<string>("Parent", async ctx =>
            {
                try
                {
                    return await ctx.CallSubOrchestratorAsync<string>("Waiter", null, instanceId: "busy");
                }
                catch (TaskFailedException ex)
                {
                    return "failed: " + ex.FailureDetails.ErrorType;
                }
            }));

        string busy = await host.ScheduleAsync("Waiter", instanceId: "busy");
        await host.WaitUntilAsync(busy, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        OrchestrationMetadata parent = await host.RunAsync("Parent");

        Assert.Equal("failed: " + typeof(OrchestrationAlreadyExistsException).FullName, parent.ReadOutputAs<string>());
        Assert.Null((await host.Client.GetInstanceAsync(busy))?.ParentInstanceId);
        await host.Client.RaiseEventAsync(busy, "done", "still mine");
        Assert.Equal("still mine", (await host.CompletionAsync(busy)).ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task CallSubOrchestratorAsync_ChildTerminated_ParentSeesFailure()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Waiter", ctx => ctx.WaitForExternalEvent<string>("done"))
            .AddOrchestratorFunc<string>("Parent", async ctx =>
            {
                try
                {
                    return await ctx.CallSubOrchestratorAsync<string>("Waiter", null, instanceId: "doomed-child");
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
                }
            }));

        string parent = await host.ScheduleAsync("Parent");
        await host.WaitUntilAsync("doomed-child", s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await host.Client.TerminateInstanceAsync("doomed-child", "operator stop");
        OrchestrationMetadata result = await host.CompletionAsync(parent);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        string output = result.ReadOutputAs<string>()!;
        Assert.StartsWith("Terminated: ", output, StringComparison.Ordinal);
        Assert.Contains("'Waiter' was terminated", output, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.Client.GetInstanceAsync("doomed-child"))?.RuntimeStatus);
    }
}
