using AgentFactory.Functions.Storage;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The storage account agents' queues, containers and tables live in, and the tables the agent program writes
/// (results, heartbeats): one client per service from one <see cref="FactoryStorageAccount"/>, each request counted by
/// <see cref="Requests"/>. Rows agents must not write (monitoring, usage, the factory's alert queue) are not here:
/// they stay on the factory's account.
/// </summary>
public sealed class ProvisioningStorage
{
    /// <summary>Clients for <paramref name="account"/> (a connection string such as <c>UseDevelopmentStorage=true</c> converts).</summary>
    public ProvisioningStorage(FactoryStorageAccount account)
    {
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(Requests.PolicyFor(ResourceKind.Queue), HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(Requests.PolicyFor(ResourceKind.BlobContainer), HttpPipelinePosition.PerRetry);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(Requests.PolicyFor(ResourceKind.Table), HttpPipelinePosition.PerRetry);
        Queues = account.CreateQueueServiceClient(queueOptions);
        Blobs = account.CreateBlobServiceClient(blobOptions);
        Tables = account.CreateTableServiceClient(tableOptions);
    }

    /// <summary>The requests sent through these clients.</summary>
    public StorageRequestCounter Requests { get; } = new();

    /// <summary>Queues.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Blob containers.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>Tables.</summary>
    public TableServiceClient Tables { get; }
}
