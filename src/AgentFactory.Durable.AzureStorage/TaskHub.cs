using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>The storage resources of one task hub; every client shares the counting/fault pipeline policy.</summary>
internal sealed class TaskHub
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public TaskHub(AzureStorageOptions options, StorageRequests requests)
    {
        options.Validate();
        Options = options;
        Requests = requests;
        string hub = options.TaskHubName;
        var tableOptions = Configure(new TableClientOptions(), requests.PolicyFor("table"));
        var queueOptions = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, requests.PolicyFor("queue"));
        var blobOptions = Configure(new BlobClientOptions(), requests.PolicyFor("blob"));
        TableServiceClient tables;
        QueueServiceClient queues;
        BlobServiceClient blobs;
        if (options.ConnectionString is { } connection)
        {
            tables = new TableServiceClient(connection, tableOptions);
            queues = new QueueServiceClient(connection, queueOptions);
            blobs = new BlobServiceClient(connection, blobOptions);
        }
        else
        {
            tables = new TableServiceClient(new Uri($"https://{options.AccountName}.table.core.windows.net"), options.Credential, tableOptions);
            queues = new QueueServiceClient(new Uri($"https://{options.AccountName}.queue.core.windows.net"), options.Credential, queueOptions);
            blobs = new BlobServiceClient(new Uri($"https://{options.AccountName}.blob.core.windows.net"), options.Credential, blobOptions);
        }

        History = tables.GetTableClient(hub + "History");
        Instances = tables.GetTableClient(hub + "Instances");
        Poison = tables.GetTableClient(hub + "Poison");
        Control = Enumerable.Range(0, options.PartitionCount).Select(i => queues.GetQueueClient($"{hub}-control-{i:D2}")).ToArray();
        WorkItems = queues.GetQueueClient($"{hub}-workitems");
        Payloads = blobs.GetBlobContainerClient($"{hub}-payloads");
        Leases = blobs.GetBlobContainerClient($"{hub}-leases");
    }

    public AzureStorageOptions Options { get; }

    public StorageRequests Requests { get; }

    /// <summary>PK = instance id: the status row, history rows and outbox rows of the instance.</summary>
    public TableClient History { get; }

    /// <summary>The queryable index: one row per instance (no payloads).</summary>
    public TableClient Instances { get; }

    /// <summary>Messages that kept failing, kept for inspection.</summary>
    public TableClient Poison { get; }

    public QueueClient[] Control { get; }

    public QueueClient WorkItems { get; }

    public BlobContainerClient Payloads { get; }

    public BlobContainerClient Leases { get; }

    /// <summary>Creates every table, queue and container that is missing (once per process).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                var work = new List<Task>
                {
                    History.CreateIfNotExistsAsync(cancellationToken),
                    Instances.CreateIfNotExistsAsync(cancellationToken),
                    Poison.CreateIfNotExistsAsync(cancellationToken),
                    WorkItems.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                    Payloads.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                    Leases.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                };
                work.AddRange(Control.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
                await Task.WhenAll(work).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>Deletes every resource of the task hub (tests and tear-down).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        var work = new List<Task>
        {
            History.DeleteAsync(cancellationToken),
            Instances.DeleteAsync(cancellationToken),
            Poison.DeleteAsync(cancellationToken),
            WorkItems.DeleteIfExistsAsync(cancellationToken),
            Payloads.DeleteIfExistsAsync(cancellationToken: cancellationToken),
            Leases.DeleteIfExistsAsync(cancellationToken: cancellationToken),
        };
        work.AddRange(Control.Select(q => q.DeleteIfExistsAsync(cancellationToken)));
        await Task.WhenAll(work).ConfigureAwait(false);
        _created = false;
    }

    private static T Configure<T>(T options, Azure.Core.Pipeline.HttpPipelinePolicy policy) where T : ClientOptions
    {
        // Per retry, so that every attempt is counted and can be faulted.
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        options.Retry.MaxRetries = 6;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
