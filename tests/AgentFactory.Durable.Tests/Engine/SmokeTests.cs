namespace AgentFactory.Durable.Tests.Engine;

public class SmokeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Sequence_OfActivities_CompletesWithOutput()
    {
        await using EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Hello", (_, name) => $"Hello {name}")
            .AddOrchestratorFunc<string[], List<string>>("Seq", async (ctx, names) =>
            {
                var results = new List<string>();
                foreach (string n in names)
                {
                    results.Add(await ctx.CallActivityAsync<string>("Hello", n));
                }

                return results;
            }));

        OrchestrationMetadata result = await host.RunAsync("Seq", new[] { "a", "b", "c" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello a", "Hello b", "Hello c"], result.ReadOutputAs<List<string>>());
    }
}
