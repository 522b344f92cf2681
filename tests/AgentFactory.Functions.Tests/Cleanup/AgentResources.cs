using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace AgentFactory.Functions.Tests.Cleanup;

/// <summary>What exists of one agent's resources, found by asking each service (queues, blobs, tables, monitoring rows, the runtime).</summary>
internal sealed record AgentResources(string[] Queues, string[] BlobContainers, string[] Tables, string[] MonitoringRows, ContainerStatus? Container)
{
    public bool Nothing => Queues.Length == 0 && BlobContainers.Length == 0 && Tables.Length == 0 && MonitoringRows.Length == 0 && Container is null;

    /// <summary>Lists the resources of agent <paramref name="agentName"/>; monitoring rows live in <c>{tablePrefix}AgentHealth</c>.</summary>
    public static async Task<AgentResources> ListAsync(string tablePrefix, string tenantId, string agentName, IContainerRuntime runtime)
    {
        string connection = AzuriteConnection.ConnectionString;
        AgentResourceNames names = AgentResourceNames.For(tenantId, agentName);
        var queues = new List<string>();
        await foreach (QueueItem queue in new QueueServiceClient(connection).GetQueuesAsync(prefix: names.TaskQueue))
        {
            queues.Add(queue.Name);
        }

        var containers = new List<string>();
        await foreach (BlobContainerItem container in new BlobServiceClient(connection).GetBlobContainersAsync(prefix: names.BlobContainer))
        {
            containers.Add(container.Name);
        }

        var tables = new List<string>();
        var service = new TableServiceClient(connection);
        await foreach (TableItem table in service.QueryAsync(t => t.Name == names.Table))
        {
            tables.Add(table.Name);
        }

        var rows = new List<string>();
        TableClient monitoring = service.GetTableClient(tablePrefix + "AgentHealth");
        await monitoring.CreateIfNotExistsAsync();
        await foreach (TableEntity row in monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == tenantId))
        {
            rows.Add(row.RowKey);
        }

        ContainerStatus? status = await runtime.GetAsync(names.Container) is null ? null : await runtime.GetStatusAsync(names.Container);
        return new AgentResources([.. queues.Order()], [.. containers], [.. tables], [.. rows.Order()], status);
    }

    public override string ToString() =>
        $"queues [{string.Join(", ", Queues)}], blob containers [{string.Join(", ", BlobContainers)}], tables [{string.Join(", ", Tables)}], "
        + $"monitoring rows [{string.Join(", ", MonitoringRows)}], container {Container?.State.ToString() ?? "none"}";
}
