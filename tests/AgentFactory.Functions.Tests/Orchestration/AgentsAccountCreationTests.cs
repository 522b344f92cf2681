using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Queues.Models;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>
/// A whole creation with the agents on their own account (Azurite's second account, <c>agentsaccount</c>): the real
/// agent program serves its queue there, reports its heartbeat and first-task result there, and the factory finds
/// them there; none of it reaches the factory's account, where the monitoring rows are.
/// </summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentsAccountCreationTests(SandboxFixture sandbox, FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 300_000)]
    public async Task CreateAsync_AgentsAccount_AgentServesItsFirstTaskFromThatAccountAndNothingOfItIsInTheFactorys()
    {
        string agentsConnection = AzuriteConnection.AgentsConnectionString;
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime, agentStorage: agentsConnection);
        string tenant = FactoryEnvironment.NewTenant();
        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-memory", FactoryEnvironment.NewAgentName("notes"), "s3cret-" + Guid.NewGuid().ToString("N"));
        CreateAgentResult created = await host.Service.CreateAsync(tenant,
            new CreateAgentRequest(Configuration: FactoryHost.Json(configuration), Automation: true));
        string deploymentId = created.DeploymentId!;
        var agentsTables = new TableServiceClient(agentsConnection);
        try
        {
            DeploymentView done = await host.WaitForEndAsync(tenant, deploymentId);

            AgentCreationStatus status = done.Creation!;
            Assert.True(status.State == CreationStates.Completed, $"{status.State}: {status.Error} {status.Message}");
            Assert.Equal((OrchestrationRuntimeStatus.Completed, DeploymentStatus.Succeeded), (done.RuntimeStatus!.Value, done.Status));
            Assert.True(status.FirstTask is { Done: true, Succeeded: true }, status.FirstTask?.Failure);

            // The agent's queue and memory table are on the agents' account; the factory's has only the monitoring rows.
            AgentResourceNames names = AgentResourceNames.For(tenant, configuration.Name);
            List<string> agentQueues = [];
            await foreach (QueueItem queue in new Azure.Storage.Queues.QueueServiceClient(agentsConnection).GetQueuesAsync(prefix: names.TaskQueue))
            {
                agentQueues.Add(queue.Name);
            }

            Assert.Equal([names.TaskQueue, names.PoisonQueue], [.. agentQueues.Order(StringComparer.Ordinal)]);
            Assert.Single(await ToListAsync(agentsTables.QueryAsync(t => t.Name == names.Table)));
            ExistingResources inFactory = await env.ListAsync(tenant, configuration.Name, sandbox.Runtime);
            Assert.True(inFactory is { Queues.Length: 0, BlobContainers.Length: 0, Tables.Length: 0 }, inFactory.ToString());
            Assert.Equal(["alert:" + configuration.Name, "check:" + configuration.Name], inFactory.MonitoringRows);

            // What the agent wrote, and the factory read to judge it: on the agents' account only.
            string taskId = FirstTask.IdFor(deploymentId);
            Assert.True(await RowExistsAsync(agentsTables, SendFirstTaskActivity.ResultsTable, configuration.Name, taskId));
            Assert.True(await RowExistsAsync(agentsTables, CheckHealthActivity.HeartbeatTable, configuration.Name, "heartbeat"));
            Assert.False(await RowExistsAsync(env.Tables, SendFirstTaskActivity.ResultsTable, configuration.Name, taskId));
            Assert.False(await RowExistsAsync(env.Tables, CheckHealthActivity.HeartbeatTable, configuration.Name, "heartbeat"));
        }
        finally
        {
            await host.RemoveAgentAsync(tenant, deploymentId, configuration);
            await agentsTables.GetTableClient(SendFirstTaskActivity.ResultsTable).DeleteEntityAsync(configuration.Name, FirstTask.IdFor(deploymentId));
            await agentsTables.GetTableClient(CheckHealthActivity.HeartbeatTable).DeleteEntityAsync(configuration.Name, "heartbeat");
        }
    }

    private static async Task<bool> RowExistsAsync(TableServiceClient tables, string table, string partition, string row)
    {
        try
        {
            return (await tables.GetTableClient(table).GetEntityIfExistsAsync<TableEntity>(partition, row)).HasValue;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No agent ever wrote to this account's table.
            return false;
        }
    }

    private static async Task<List<TableItem>> ToListAsync(Azure.AsyncPageable<TableItem> items)
    {
        List<TableItem> list = [];
        await foreach (TableItem item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
