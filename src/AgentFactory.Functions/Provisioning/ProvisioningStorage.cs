using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The storage account agents' queues, containers and tables live in (and the monitoring rows): one client per
/// service from one connection string, each request counted by <see cref="Requests"/>.
/// </summary>
public sealed class ProvisioningStorage
{
    /// <summary>Clients for the account of <paramref name="connectionString"/> (e.g. <c>UseDevelopmentStorage=true</c>).</summary>
    public ProvisioningStorage(string connectionString)
    {
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(Requests.PolicyFor(ResourceKind.Queue), HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(Requests.PolicyFor(ResourceKind.BlobContainer), HttpPipelinePosition.PerRetry);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(Requests.PolicyFor(ResourceKind.Table), HttpPipelinePosition.PerRetry);
        Queues = new QueueServiceClient(connectionString, queueOptions);
        Blobs = new BlobServiceClient(connectionString, blobOptions);
        Tables = new TableServiceClient(connectionString, tableOptions);
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
