using AgentFactory.Durable.AzureStorage.TestWorker;
using AgentFactory.Durable.History;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>Several real worker processes on one task hub: scale-out, rebalancing, and SIGKILL crash recovery.</summary>
[Collection(MultiProcessCollection.Name)]
public class MultiProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact(Timeout = 300_000)]
    public async Task ScaleOut_ThreeWorkers_AllCompleteExactlyOnceAndPartitionsRebalance()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub(partitions: 6);
        await using var client = new AzureStorageOrchestrationBackend(hub);
        var durable = new DurableTaskClient(client);
        try
        {
            await using WorkerProcess a = await WorkerProcess.StartAsync(hub.TaskHubName, "a", 6);
            await using WorkerProcess b = await WorkerProcess.StartAsync(hub.TaskHubName, "b", 6);
            await a.WaitForOwnershipAsync(o => o.Length == 3, Patience);
            await b.WaitForOwnershipAsync(o => o.Length == 3, Patience);

            List<string> first = await StartAsync(durable, 0, 150);
            await using WorkerProcess c = await WorkerProcess.StartAsync(hub.TaskHubName, "c", 6);
            await c.WaitForOwnershipAsync(o => o.Length == 2, Patience);
            await a.WaitForOwnershipAsync(o => o.Length == 2, Patience);
            await b.WaitForOwnershipAsync(o => o.Length == 2, Patience);
            Assert.Empty(a.Owned.Intersect(b.Owned).Concat(a.Owned.Intersect(c.Owned)).Concat(b.Owned.Intersect(c.Owned)));

            // A worker leaves gracefully: the others take its partitions.
            await a.StopAsync();
            await b.WaitForOwnershipAsync(o => o.Length == 3, Patience);
            await c.WaitForOwnershipAsync(o => o.Length == 3, Patience);
            List<string> second = await StartAsync(durable, 150, 100);

            await VerifyAsync(durable, hub, [.. first, .. second]);
        }
        finally
        {
            await client.DeleteTaskHubAsync();
        }
    }

    [Theory(Timeout = 300_000)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Crash_WorkersKilledAtRandomMoments_EveryOrchestrationCompletesOnce(int seed)
    {
        var random = new Random(seed);
        AzureStorageOptions hub = Azurite.NewTaskHub(partitions: 4);
        await using var client = new AzureStorageOrchestrationBackend(hub);
        var durable = new DurableTaskClient(client);
        var workers = new WorkerProcess?[2];
        try
        {
            workers[0] = await WorkerProcess.StartAsync(hub.TaskHubName, "w0");
            workers[1] = await WorkerProcess.StartAsync(hub.TaskHubName, "w1");
            List<string> ids = await StartAsync(durable, 0, 40);
            for (int kill = 0; kill < 4; kill++)
            {
                // Chaos timing, not a wait for a condition: the kill must land at an arbitrary point.
                await Task.Delay(random.Next(100, 1200));
                int victim = random.Next(workers.Length);
                await workers[victim]!.KillAsync();
                await workers[victim]!.DisposeAsync();
                // Restarted under the same id, it takes its leases back at once.
                workers[victim] = await WorkerProcess.StartAsync(hub.TaskHubName, "w" + victim);
                if (kill == 1)
                {
                    ids.AddRange(await StartAsync(durable, 40, 20));
                }
            }

            int repeated = await VerifyAsync(durable, hub, ids);
            output.WriteLine($"seed {seed}: {ids.Count} orchestrations, 4 SIGKILLs, {repeated} activity executions repeated (at-least-once).");
        }
        finally
        {
            foreach (WorkerProcess? worker in workers)
            {
                if (worker is not null)
                {
                    await worker.DisposeAsync();
                }
            }

            await client.DeleteTaskHubAsync();
        }
    }

    private static async Task<List<string>> StartAsync(DurableTaskClient client, int from, int count)
    {
        string[] ids = await Task.WhenAll(Enumerable.Range(from, count).Select(n =>
            client.ScheduleNewOrchestrationInstanceAsync("Chain", n, new StartOrchestrationOptions { InstanceId = $"chain-{n:D4}" })));
        return [.. ids];
    }

    /// <summary>Checks outputs and histories; returns how many activity executions were repeats.</summary>
    private static async Task<int> VerifyAsync(DurableTaskClient client, AzureStorageOptions hub, List<string> ids)
    {
        using var cts = new CancellationTokenSource(Patience);
        foreach (string id in ids)
        {
            OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id}: {done.RuntimeStatus} {done.FailureDetails}");
            int n = int.Parse(id["chain-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(TestOrchestrations.Expected(n), done.ReadOutputAs<long>());

            IReadOnlyList<HistoryEvent> history = await client.GetInstanceHistoryAsync(id);
            Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.EventId));
            Assert.Equal(9, history.OfType<TaskScheduledEvent>().Count() + history.OfType<TimerCreatedEvent>().Count());
            Assert.Equal(8, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
            Assert.Equal(8, history.OfType<TaskCompletedEvent>().Count());
            Assert.Single(history.OfType<ExecutionCompletedEvent>());
        }

        var executions = new TableClient(Azurite.ConnectionString, ExecutionLog.TableName(hub.TaskHubName));
        int total = 0;
        await foreach (TableEntity _ in executions.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            total++;
        }

        await executions.DeleteAsync();
        int unique = ids.Count * 8;
        Assert.True(total >= unique, $"{total} executions recorded for {unique} activities");
        return total - unique;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    public const string Name = "Worker processes";
}
