using AgentFactory.Durable.History;
using AgentFactory.Durable.Replay;
using AgentFactory.Durable.Tests;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Histories too long for the status row: they spill into history rows (by property count or by size), and
/// every reader still sees the whole history in order; ContinueAsNew after a spill starts clean.
/// </summary>
public class SpillTests(ITestOutputHelper output)
{
    private const int Steps = 260;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task LongChain_260Activities_SpillsAndAFreshBackendReadsTheWholeHistoryWhichReplays()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(Register, backend, bare: true);
            const string id = "long";
            await host.ScheduleAsync("Count", Steps, id);
            OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, Patience);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus} {done.FailureDetails}");
            Assert.Equal(Steps, done.ReadOutputAs<int>());

            // It did spill: the status row says so, and the rows are there.
            TableEntity status = (await StorageProbe.StatusRowAsync(hub, id))!;
            int spilled = status.GetInt32("Spilled") ?? 0;
            int committed = status.GetInt32("Committed") ?? 0;
            List<TableEntity> rows = await StorageProbe.RowsAsync(hub, id);
            int historyRows = rows.Count(r => r.RowKey.StartsWith(Rows.HistoryPrefix(done.ExecutionId), StringComparison.Ordinal));
            output.WriteLine($"{committed} events, {spilled} spilled into {historyRows} history rows, {status.Count} properties on the status row");
            Assert.True(spilled > 0, "the history never spilled out of the status row");
            Assert.Equal(spilled, historyRows);
            Assert.True(status.Count <= 252, $"the status row has {status.Count} properties");

            // A backend that has never seen the instance (nothing cached) reads it all.
            await using var fresh = new AzureStorageOrchestrationBackend(new AzureStorageOptions
            {
                ConnectionString = hub.ConnectionString,
                TaskHubName = hub.TaskHubName,
                PartitionCount = hub.PartitionCount,
            });
            var client = new DurableTaskClient(fresh);
            IReadOnlyList<HistoryEvent> history = await client.GetInstanceHistoryAsync(id);
            Assert.Equal(committed, history.Count);
            StorageProbe.AssertWellFormed(id, history);
            Assert.Equal(Steps, history.OfType<TaskCompletedEvent>().Count());
            Assert.Equal(Enumerable.Range(0, Steps), history.OfType<TaskScheduledEvent>().Select(e => e.TaskId));
            Assert.Equal(
                (await host.Client.GetInstanceHistoryAsync(id)).Select(Rows.Serialize),
                history.Select(Rows.Serialize));

            // The replayer accepts it with the code that wrote it, and refuses it with code that does one step less.
            HistoryExport export = HistoryExport.FromJson((await HistoryExport.ExportAsync(client, id)).ToJson());
            ReplayResult same = new Replayer(Registry(Register)).Replay(export);
            Assert.True(same.IsDeterministic, same.Message);
            ReplayResult changed = new Replayer(Registry(r => r
                .AddActivityFunc<int, int>("Increment", (_, x) => x + 1)
                .AddOrchestratorFunc<int, int>("Count", (context, n) => CountAsync(context, n - 1)))).Replay(export);
            Assert.False(changed.IsDeterministic, "the replayer accepted code that does one step less");
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ContinueAsNew_AfterASpill_StartsACleanExecution()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(Register, backend, bare: true);
            const string id = "generations";
            await host.ScheduleAsync("Generations", 0, id);

            // Generation 0 spills by size (large activity results), then waits.
            TableEntity spilledRow = await StorageProbe.UntilAsync(async () => (await StorageProbe.StatusRowAsync(hub, id))!,
                row => row.GetInt32("Spilled") > 0,
                Patience, "generation 0 to spill");
            string firstExecution = spilledRow.GetString("ExecutionId")!;
            IReadOnlyList<HistoryEvent> before = await StorageProbe.UntilAsync(() => host.Client.GetInstanceHistoryAsync(id),
                h => h.OfType<TaskCompletedEvent>().Count() == BigSteps, Patience, "generation 0's activities");
            StorageProbe.AssertWellFormed(id, before);
            output.WriteLine($"generation 0: {spilledRow.GetInt32("Spilled")} events spilled by size");

            await host.Client.RaiseEventAsync(id, "go", "next");
            OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, Patience);

            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus} {done.FailureDetails}");
            Assert.Equal("generation 1: 6", done.ReadOutputAs<string>());
            Assert.NotEqual(firstExecution, done.ExecutionId);
            await using var fresh = new AzureStorageOrchestrationBackend(new AzureStorageOptions
            {
                ConnectionString = hub.ConnectionString,
                TaskHubName = hub.TaskHubName,
                PartitionCount = hub.PartitionCount,
            });
            foreach (IReadOnlyList<HistoryEvent> history in new[] { await host.Client.GetInstanceHistoryAsync(id), await fresh.GetHistoryAsync(id) })
            {
                StorageProbe.AssertWellFormed(id, history);
                ExecutionStartedEvent started = history.OfType<ExecutionStartedEvent>().Single();
                Assert.Equal((done.ExecutionId, "1"), (started.ExecutionId, started.Input));
                Assert.Equal(["Increment", "Increment", "Increment"], history.OfType<TaskScheduledEvent>().Select(e => e.Name));
                Assert.Equal(3, history.OfType<TaskCompletedEvent>().Count());
                Assert.Empty(history.OfType<EventRaisedEvent>());
            }

            TableEntity status = (await StorageProbe.StatusRowAsync(hub, id))!;
            Assert.Equal(0, status.GetInt32("Spilled"));
            Assert.Equal((await fresh.GetHistoryAsync(id)).Count, status.GetInt32("Committed"));
            // The old execution's history rows are cleaned up.
            await StorageProbe.UntilAsync(() => StorageProbe.RowsAsync(hub, id),
                rows => !rows.Any(r => r.RowKey.StartsWith("h:", StringComparison.Ordinal)), Patience, "the first execution's history rows to be deleted");
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    private const int BigSteps = 14;

    private static void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<int, int>("Increment", (_, x) => x + 1)
        // 25,000 chars: inline in an episode (under 30,000), yet a dozen of them pass the status row's 300,000-char budget.
        .AddActivityFunc<int, string>("Big", (_, i) => new string((char)('a' + i % 26), 25_000))
        .AddOrchestratorFunc<int, int>("Count", CountAsync)
        .AddOrchestratorFunc<int, string>("Generations", async (context, generation) =>
        {
            if (generation == 0)
            {
                for (int i = 0; i < BigSteps; i++)
                {
                    await context.CallActivityAsync<string>("Big", i);
                }

                await context.WaitForExternalEvent<string>("go");
                context.ContinueAsNew(generation + 1);
                return "";
            }

            int sum = 0;
            for (int i = 0; i < 3; i++)
            {
                sum += await context.CallActivityAsync<int>("Increment", i);
            }

            return $"generation {generation}: {sum}";
        });

    private static async Task<int> CountAsync(TaskOrchestrationContext context, int steps)
    {
        int value = 0;
        for (int i = 0; i < steps; i++)
        {
            value = await context.CallActivityAsync<int>("Increment", value);
        }

        return value;
    }

    private static DurableTaskRegistry Registry(Action<DurableTaskRegistry> register)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        return registry;
    }
}
