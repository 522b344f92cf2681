using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.AzureStorage.TestWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A worker process for scale-out, crash and benchmark runs: it serves one task hub until stopped or killed.
// Settings come from the environment: AGENTFACTORY_STORAGE, TASK_HUB, WORKER_ID, PARTITIONS.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
string connection = Environment.GetEnvironmentVariable("AGENTFACTORY_STORAGE") ?? throw new InvalidOperationException("AGENTFACTORY_STORAGE is not set.");
builder.Services.AddAzureStorageDurableBackend(o =>
{
    o.ConnectionString = connection;
    o.TaskHubName = Environment.GetEnvironmentVariable("TASK_HUB") ?? "testhub";
    o.WorkerId = Environment.GetEnvironmentVariable("WORKER_ID") ?? o.WorkerId;
    o.PartitionCount = int.Parse(Environment.GetEnvironmentVariable("PARTITIONS") ?? "4", System.Globalization.CultureInfo.InvariantCulture);
    o.MaxPollingInterval = TimeSpan.FromMilliseconds(200);
});
builder.Services.AddSingleton(new ExecutionLog(connection, Environment.GetEnvironmentVariable("TASK_HUB") ?? "testhub"));
builder.Services.AddDurableTask(TestOrchestrations.Register);
using IHost host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");

// Report partition ownership whenever it changes, for the tests to follow rebalancing.
var backend = host.Services.GetRequiredService<AzureStorageOrchestrationBackend>();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
string last = "";
while (!lifetime.ApplicationStopping.IsCancellationRequested)
{
    string owned = string.Join(",", backend.OwnedPartitions.Order());
    if (owned != last)
    {
        Console.WriteLine($"owned: [{owned}]");
        last = owned;
    }

    try
    {
        await Task.Delay(100, lifetime.ApplicationStopping);
    }
    catch (OperationCanceledException)
    {
        break;
    }
}

await host.WaitForShutdownAsync();
