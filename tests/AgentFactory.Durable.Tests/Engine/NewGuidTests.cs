namespace AgentFactory.Durable.Tests.Engine;

public class NewGuidTests
{
    [Fact(Timeout = 60_000)]
    public async Task NewGuid_AfterContinueAsNewInTheSameEpisode_DiffersFromThePreviousExecution()
    {
        // The next execution runs in the same work item, at the same episode time, with its counter reset.
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddOrchestratorFunc<Guid[], Guid[]>("Guids", (ctx, seen) =>
            {
                Guid[] all = [.. seen ?? [], ctx.NewGuid()];
                if (all.Length < 3)
                {
                    ctx.ContinueAsNew(all);
                }

                return Task.FromResult(all);
            }));

        OrchestrationMetadata done = await host.RunAsync("Guids", Array.Empty<Guid>());

        Guid[] guids = done.ReadOutputAs<Guid[]>()!;
        Assert.Equal(3, guids.Length);
        Assert.Equal(3, guids.Distinct().Count());
    }
}
