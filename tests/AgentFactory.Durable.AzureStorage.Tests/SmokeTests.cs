using AgentFactory.Durable.Tests;

namespace AgentFactory.Durable.AzureStorage.Tests;

public class SmokeTests
{
    [Fact(Timeout = 120_000)]
    public async Task Sequence_OnAzurite_CompletesWithOutput()
    {
        var backend = new AzureStorageOrchestrationBackend(Azurite.NewTaskHub());
        try
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
                }), backend);

            OrchestrationMetadata result = await host.RunAsync("Seq", new[] { "a", "b", "c" });

            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(["Hello a", "Hello b", "Hello c"], result.ReadOutputAs<List<string>>());
            Assert.Equal(16, (await host.Client.GetInstanceHistoryAsync(result.InstanceId)).Count);
        }
        finally
        {
            await backend.StopAsync();
            await backend.DeleteTaskHubAsync();
        }
    }
}
