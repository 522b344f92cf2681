using System.Text;
using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace AgentFactory.AgentRuntime.Tests.Storage;

/// <summary>The program in service mode against Azurite: queue in, results table out, poison queue, heartbeat, SIGTERM.</summary>
public class ServiceModeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string name = "svc-" + Guid.NewGuid().ToString("n")[..10];
    private readonly string stateDirectory = Agents.TempDirectory();

    private string ResultsTable => "results" + name.Replace("-", "", StringComparison.Ordinal);

    private QueueClient Queue => new(AzuriteConnection.ConnectionString, name);

    private Dictionary<string, string> Environment(int maxDequeue = 5) => new()
    {
        [AgentEnvironment.StorageVariable] = AzuriteConnection.ConnectionString,
        [AgentEnvironment.QueueVariable] = name,
        [AgentEnvironment.ResultsTableVariable] = ResultsTable,
        [AgentEnvironment.StateDirVariable] = stateDirectory,
        [AgentEnvironment.PollMaxVariable] = "200",
        [AgentEnvironment.MaxDequeueVariable] = maxDequeue.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private RuntimeProcess StartService(AgentConfiguration configuration, int maxDequeue = 5) =>
        RuntimeProcess.Start(["service", "--config", RuntimeProcess.ConfigurationFile(configuration with { Name = name })], Environment(maxDequeue));

    private static Func<JsonElement, bool> Event(string name, string? taskId = null) => line =>
        line.TryGetProperty("event", out var e) && e.GetString() == name && (taskId is null || (line.TryGetProperty("taskId", out var id) && id.GetString() == taskId));

    [Fact(Timeout = 90_000)]
    public async Task Service_ThreeTasksAndABrokenMessage_WritesResultsPoisonsTheBrokenOneAndStopsOnSigterm()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("""{"id":"t1","input":{"op":"echo","message":"one"}}""");
        await Queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"id":"t2","input":{"op":"echo","message":{"n":2}}}""")));
        await Queue.SendMessageAsync("""{"id":"t3","input":{"op":"no-such-op"}}""");
        await Queue.SendMessageAsync("this is { not a task");
        await using var service = StartService(Agents.Default("tmpl-blank"));

        foreach (var id in new[] { "t1", "t2", "t3" })
        {
            await service.WaitForLineAsync(Event("TaskCompleted", id), Wait);
        }

        await service.WaitForLineAsync(Event("MessagePoisoned"), Wait);
        var health = await RuntimeProcess.RunAsync(["health"], new Dictionary<string, string> { [AgentEnvironment.StateDirVariable] = stateDirectory });
        service.Terminate();
        var run = await service.WaitForExitAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, health.ExitCode);
        var results = new TableClient(AzuriteConnection.ConnectionString, ResultsTable);
        var rows = await results.QueryAsync<TableEntity>(e => e.PartitionKey == name).ToListAsync();
        Assert.Equal(["t1", "t2", "t3"], rows.Select(r => r.RowKey).Order());
        Assert.Equal("{\"echo\":{\"n\":2}}", rows.Single(r => r.RowKey == "t2").GetString("Result"));
        Assert.Equal((false, true), (rows.Single(r => r.RowKey == "t3").GetBoolean("Ok")!.Value, rows.Single(r => r.RowKey == "t3").GetString("Error")!.Contains("Unknown op", StringComparison.Ordinal)));
        var poisoned = await new QueueClient(AzuriteConnection.ConnectionString, name + "-poison").ReceiveMessagesAsync(10);
        Assert.Equal("this is { not a task", Assert.Single(poisoned.Value).Body.ToString());
        Assert.Empty((await Queue.PeekMessagesAsync(10)).Value);
        Assert.Contains(run.Lines, line => Event("Stopped")(line));
        var heartbeat = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stateDirectory, "heartbeat.json"))).RootElement;
        Assert.Equal(("stopped", 3), (heartbeat.GetProperty("status").GetString(), heartbeat.GetProperty("processed").GetInt32()));
        var row = await new TableClient(AzuriteConnection.ConnectionString, "agentheartbeats").GetEntityAsync<TableEntity>(name, "heartbeat");
        Assert.Equal("stopped", row.Value.GetString("Status"));
    }

    [Fact(Timeout = 90_000)]
    public async Task Service_MessageDequeuedTooOften_GoesToThePoisonQueueWithoutRunning()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("""{"id":"again","input":{"op":"echo","message":1}}""");

        // A consumer that took it before and crashed: the message comes back with a dequeue count of 1.
        var taken = (await Queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
        await Queue.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        await using var service = StartService(Agents.Default("tmpl-blank"), maxDequeue: 1);

        var poisoned = await service.WaitForLineAsync(Event("MessagePoisoned"), Wait);
        service.Terminate();
        var run = await service.WaitForExitAsync();

        Assert.Equal(2, poisoned.GetProperty("dequeueCount").GetInt32());
        Assert.DoesNotContain(run.Lines, line => Event("TaskStarted")(line));
        Assert.Equal(0, run.ExitCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task Service_SigtermDuringATask_FinishesItWritesTheResultAndExitsCleanly()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("""{"id":"long","input":{"op":"run","workflow":{"steps":[{"id":"wait","action":"delay","input":{"ms":1500}}]}}}""");
        await using var service = StartService(Agents.Default("tmpl-orchestration"));

        await service.WaitForLineAsync(Event("TaskStarted", "long"), Wait);
        service.Terminate();
        var run = await service.WaitForExitAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Lines, line => Event("TaskCompleted", "long")(line));
        var row = await new TableClient(AzuriteConnection.ConnectionString, ResultsTable).GetEntityAsync<TableEntity>(name, "long");
        Assert.Contains("\"status\":\"succeeded\"", row.Value.GetString("Result"), StringComparison.Ordinal);
        Assert.Empty((await Queue.PeekMessagesAsync(10)).Value);
    }
}
