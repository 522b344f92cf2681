using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Tests.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>
/// Provisioning with an agents' account on Azurite's second account (scripts/azurite.sh serves <c>agentsaccount</c>
/// beside <c>devstoreaccount1</c>): the agent's queues, container and table are there and only there; its monitoring
/// rows and alerts are on the factory's account. The container step is left out: its runtime has no storage.
/// </summary>
public sealed class AgentsAccountStorageTests
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    private IHost Host()
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentFactory:Provisioning:AgentCommand:0"] = "/usr/bin/dotnet",
            ["AgentFactory:Provisioning:AlertQueueName"] = "alerts-" + _id,
        });
        builder.Services.AddProvisioning(AzuriteConnection.ConnectionString, "a" + _id, FactoryStorageAccount.FromConnectionString(AzuriteConnection.AgentsConnectionString));
        // No container: the container step is not applied, and removing the monitoring finds none to meter.
        builder.Services.AddSingleton<AgentFactory.Functions.Containers.IContainerRuntime>(new ScriptedContainerRuntime());
        return builder.Build();
    }

    [Fact(Timeout = 60_000)]
    public async Task Provision_AgentsAccount_AgentResourcesThereOnly_MonitoringAndAlertsOnTheFactoryAccount()
    {
        using IHost host = Host();
        var factory = new ProvisioningStorage(AzuriteConnection.ConnectionString);
        var agents = new ProvisioningStorage(AzuriteConnection.AgentsConnectionString);
        ProvisioningPlan plan = host.Services.GetRequiredService<ProvisioningPlanner>().Plan(ProvisioningFixture.NewTenant(), "dep-" + _id,
            ProvisioningFixture.Configuration("tmpl-memory", "notes-agent", "s3cret"), ProvisioningFixture.Template("tmpl-memory"));
        IProvisioningStep[] steps = [.. host.Services.GetServices<IProvisioningStep>().Where(s => s.Kind != ProvisioningStepKind.Container)];
        MonitoringTable monitoring = host.Services.GetRequiredService<MonitoringTable>();
        try
        {
            foreach (IProvisioningStep step in steps)
            {
                await step.ApplyAsync(plan);
            }

            AgentResourceNames names = plan.Names;
            Assert.Equal([names.TaskQueue, names.PoisonQueue], await QueuesAsync(agents, names.TaskQueue));
            Assert.Equal([names.BlobContainer], await ContainersAsync(agents, names.BlobContainer));
            Assert.Equal([names.Table], await TablesAsync(agents.Tables, names.Table));
            Assert.Empty(await QueuesAsync(factory, names.TaskQueue));
            Assert.Empty(await ContainersAsync(factory, names.BlobContainer));
            Assert.Empty(await TablesAsync(factory.Tables, names.Table));

            // The monitoring registration is the factory's, and the agents' account has no such table at all.
            Assert.Equal(["alert:" + names.AgentName, "check:" + names.AgentName], await RowsAsync(factory.Tables.GetTableClient(monitoring.Table.Name), plan.TenantId));
            Assert.Empty(await TablesAsync(agents.Tables, monitoring.Table.Name));

            // An alert goes to the factory's alert queue, which the agents' identity cannot reach.
            await host.Services.GetRequiredService<AlertSender>().SendAsync(plan.AlertRule,
                new AlertMessage(plan.TenantId, names.AgentName, plan.DeploymentId, "test", 3, DateTimeOffset.UtcNow));
            Assert.Single((await factory.Queues.GetQueueClient(plan.AlertRule.Target).PeekMessagesAsync(5)).Value);
            Assert.Empty(await QueuesAsync(agents, plan.AlertRule.Target));
        }
        finally
        {
            foreach (IProvisioningStep step in steps.Reverse())
            {
                await step.RemoveAsync(plan);
            }

            await monitoring.DeleteAsync();
            await host.Services.GetRequiredService<UsageTable>().DeleteAsync();
            await factory.Queues.GetQueueClient(plan.AlertRule.Target).DeleteIfExistsAsync();
        }

        Assert.Empty(await QueuesAsync(agents, plan.Names.TaskQueue));
        Assert.Empty(await ContainersAsync(agents, plan.Names.BlobContainer));
    }

    private static async Task<string[]> QueuesAsync(ProvisioningStorage storage, string prefix)
    {
        List<string> names = [];
        await foreach (QueueItem queue in storage.Queues.GetQueuesAsync(prefix: prefix))
        {
            names.Add(queue.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static async Task<string[]> ContainersAsync(ProvisioningStorage storage, string prefix)
    {
        List<string> names = [];
        await foreach (BlobContainerItem container in storage.Blobs.GetBlobContainersAsync(prefix: prefix))
        {
            names.Add(container.Name);
        }

        return [.. names];
    }

    private static async Task<string[]> TablesAsync(TableServiceClient tables, string name)
    {
        List<string> names = [];
        await foreach (TableItem table in tables.QueryAsync(t => t.Name == name))
        {
            names.Add(table.Name);
        }

        return [.. names];
    }

    private static async Task<string[]> RowsAsync(TableClient table, string partition)
    {
        List<string> keys = [];
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            keys.Add(row.RowKey);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }
}
