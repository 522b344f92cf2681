namespace AgentFactory.Durable.Tests.Engine;

public class CustomStatusTests
{
    [Fact(Timeout = 60_000)]
    public async Task SetCustomStatus_WhileRunning_IsVisibleToTheClient()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Progressing", async ctx =>
            {
                ctx.SetCustomStatus(new Progress(1, "waiting for approval"));
                string answer = await ctx.WaitForExternalEvent<string>("approval");
                ctx.SetCustomStatus(new Progress(2, "approved"));
                return answer;
            }));

        string id = await host.ScheduleAsync("Progressing");
        OrchestrationMetadata running = await host.WaitUntilAsync(id, s => s.SerializedCustomStatus is not null);

        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        Assert.Equal(new Progress(1, "waiting for approval"), running.ReadCustomStatusAs<Progress>());
        await host.Client.RaiseEventAsync(id, "approval", "yes");
        OrchestrationMetadata done = await host.CompletionAsync(id);
        Assert.Equal(new Progress(2, "approved"), done.ReadCustomStatusAs<Progress>());
    }

    [Fact(Timeout = 60_000)]
    public async Task SetCustomStatus_Oversized_ThrowsPayloadTooLargeExceptionWithSizeAndLimit()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Oversized", ctx =>
            {
                ctx.SetCustomStatus("small");
                try
                {
                    ctx.SetCustomStatus(new string('x', 70_000));
                    return Task.FromResult("accepted");
                }
                catch (PayloadTooLargeException ex)
                {
                    return Task.FromResult(ex.Message);
                }
            }));

        OrchestrationMetadata result = await host.RunAsync("Oversized");

        string message = result.ReadOutputAs<string>()!;
        Assert.Contains("Custom status is 70,002 bytes", message, StringComparison.Ordinal);
        Assert.Contains("the limit is 65,536 bytes", message, StringComparison.Ordinal);
        Assert.Equal("small", result.ReadCustomStatusAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task SetCustomStatus_OversizedAndUncaught_OrchestrationFails()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<string>("Oversized", ctx =>
            {
                ctx.SetCustomStatus(new string('x', 70_000));
                return Task.FromResult("accepted");
            }));

        OrchestrationMetadata result = await host.RunAsync("Oversized");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(PayloadTooLargeException).FullName, result.FailureDetails?.ErrorType);
    }

    public sealed record Progress(int Step, string Note);
}
