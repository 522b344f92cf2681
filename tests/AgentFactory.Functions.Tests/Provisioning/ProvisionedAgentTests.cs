using System.Runtime.Versioning;
using System.Text.Json;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>The whole path: provisioned resources + the real agent program in service mode, isolated, serving its queue.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class ProvisionedAgentTests(SandboxFixture sandbox, ProvisioningFixture fixture, ITestOutputHelper output) : IClassFixture<ProvisioningFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task ProvisionAsync_MemoryAgentRunningTheAgentProgram_ServesATaskFromItsQueue()
    {
        var options = new ProvisioningOptions
        {
            AgentCommand = { "/usr/bin/dotnet", SandboxOptions.RuntimeMountPath + "/AgentFactory.AgentRuntime.dll", "service", "--config", ProvisioningOptions.ConfigurationPath },
            AgentMounts = { new ContainerMount(Path.Combine(AppContext.BaseDirectory, "agent-runtime"), SandboxOptions.RuntimeMountPath) },
            AgentStorageConnection = AzuriteConnection.ConnectionString,
            AlertQueueName = fixture.AlertQueue,
        };
        var planner = new ProvisioningPlanner(Microsoft.Extensions.Options.Options.Create(options), fixture.Storage);
        string tenant = ProvisioningFixture.NewTenant();
        ProvisioningPlan plan = planner.Plan(tenant, "dep-" + Guid.NewGuid().ToString("N")[..8],
            ProvisioningFixture.Configuration("tmpl-memory", "notes-agent", "s3cret-value"), ProvisioningFixture.Template("tmpl-memory"));
        Provisioner provisioner = fixture.Provisioner(sandbox.Runtime);
        var results = new TableClient(AzuriteConnection.ConnectionString, "agentresults");
        try
        {
            await provisioner.ProvisionAsync(plan);
            QueueClient queue = new(AzuriteConnection.ConnectionString, plan.Names.TaskQueue);
            await queue.SendMessageAsync("""{"id":"first-task","input":{"op":"remember","key":"greeting","text":"hello from the queue"}}""");

            TableEntity? row = null;
            await results.CreateIfNotExistsAsync();
            await Eventually.TrueAsync(async () =>
            {
                var found = await results.GetEntityIfExistsAsync<TableEntity>(plan.Names.AgentName, "first-task");
                row = found.HasValue ? found.Value : null;
                return row is not null;
            }, TimeSpan.FromSeconds(60), "the agent's result row for first-task");

            output.WriteLine(row!.GetString("Result"));
            Assert.True(row.GetBoolean("Ok"));
            using JsonDocument result = JsonDocument.Parse(row.GetString("Result")!);
            Assert.True(result.RootElement.GetProperty("stored").GetBoolean());
            Assert.Equal(ContainerState.Running, (await sandbox.Runtime.GetStatusAsync(plan.Names.Container)).State);
        }
        finally
        {
            await provisioner.DeprovisionAsync(plan);
            await results.DeleteEntityAsync(plan.Names.AgentName, "first-task");
        }
    }
}
