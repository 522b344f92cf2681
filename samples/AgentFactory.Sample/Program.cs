using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A small agent-creation workflow on the durable engine: validate, wait for a person's approval,
// provision in parallel, start. The sample plays the person by raising the approval event.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// scripts/run.sh starts Azurite and sets AGENTFACTORY_STORAGE: the engine then runs on Azure Storage.
if (Environment.GetEnvironmentVariable("AGENTFACTORY_STORAGE") is { Length: > 0 } storage)
{
    builder.Services.AddAzureStorageDurableBackend(o => o.ConnectionString = storage);
    Console.WriteLine("Backend: Azure Storage (Azurite).");
}
else
{
    builder.Services.AddInMemoryDurableBackend();
    Console.WriteLine("Backend: in memory (set AGENTFACTORY_STORAGE to use Azure Storage).");
}

builder.Services.AddDurableTask(SampleWorkflow.Register);
using IHost host = builder.Build();
await host.StartAsync();

DurableTaskClient client = host.Services.GetRequiredService<DurableTaskClient>();
var request = new AgentRequest("support-bot", "memory", Cpu: 1, MemoryGb: 2);
string id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SampleWorkflow), request);
Console.WriteLine($"Started orchestration {id} for agent '{request.Name}'.");

OrchestrationMetadata waiting = await SampleWorkflow.WaitForStepAsync(client, id, "review");
Console.WriteLine($"Status: {waiting.SerializedCustomStatus}");
Console.WriteLine("Approving the cost estimate (raising event 'Approval')...");
await client.RaiseEventAsync(id, "Approval", true);

OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TimeSpan.FromMinutes(1));
Console.WriteLine($"Orchestration {done.RuntimeStatus}: {done.SerializedOutput}");
Console.WriteLine("History:");
foreach (AgentFactory.Durable.History.HistoryEvent e in await client.GetInstanceHistoryAsync(id))
{
    string type = e.GetType().Name;
    Console.WriteLine($"  #{e.EventId,-3} {e.Timestamp:HH:mm:ss.fff} {type[..^"Event".Length]}");
}

await host.StopAsync();
return done.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? 0 : 1;
