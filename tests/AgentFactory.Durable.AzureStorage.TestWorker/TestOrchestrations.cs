using AgentFactory.Durable;
using Azure.Data.Tables;

namespace AgentFactory.Durable.AzureStorage.TestWorker;

/// <summary>Orchestrations the multi-process tests run: results are a pure function of the input, so any run can be checked.</summary>
public static class TestOrchestrations
{
    public static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<int, long>("Chain", async (context, n) =>
        {
            long sum = 0;
            for (int i = 0; i < 5; i++)
            {
                sum += await context.CallActivityAsync<long>("Square", n * 10 + i);
            }

            long[] fan = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => context.CallActivityAsync<long>("Square", n + i)));
            await context.CreateTimer(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            return sum + fan.Sum();
        })
        .AddActivity("Square", sp => new Square(sp.GetService(typeof(ExecutionLog)) as ExecutionLog));

    /// <summary>The expected output of Chain(n).</summary>
    public static long Expected(int n) =>
        Enumerable.Range(0, 5).Sum(i => (long)(n * 10 + i) * (n * 10 + i)) + Enumerable.Range(0, 3).Sum(i => (long)(n + i) * (n + i));

    private sealed class Square(ExecutionLog? log) : TaskActivity<int, long>
    {
        public override async Task<long> RunAsync(TaskActivityContext context, int input, CancellationToken cancellationToken)
        {
            if (log is not null)
            {
                await log.RecordAsync(context.InstanceId, context.TaskId, cancellationToken);
            }

            return (long)input * input;
        }
    }
}

/// <summary>Records every activity execution (one row each), so tests can count repeated executions.</summary>
public sealed class ExecutionLog(string connection, string taskHub)
{
    private readonly TableClient _table = CreateTable(connection, taskHub);

    public static string TableName(string taskHub) => taskHub + "Executions";

    public async Task RecordAsync(string instanceId, int taskId, CancellationToken cancellationToken) =>
        await _table.AddEntityAsync(new TableEntity(instanceId, $"{taskId:D4}-{Guid.NewGuid():N}"), cancellationToken);

    private static TableClient CreateTable(string connection, string taskHub)
    {
        var table = new TableClient(connection, TableName(taskHub));
        table.CreateIfNotExists();
        return table;
    }
}
