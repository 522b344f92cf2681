using Azure.Core;
using Azure.Core.Pipeline;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// Counts the storage requests provisioning and monitoring send (retries included), per service, so tests and
/// benchmarks can say what a step costs: on Azure each request is money, on Azurite it is time.
/// </summary>
public sealed class StorageRequestCounter
{
    private long _tables;
    private long _queues;
    private long _blobs;

    /// <summary>Table requests sent.</summary>
    public long Tables => Interlocked.Read(ref _tables);

    /// <summary>Queue requests sent.</summary>
    public long Queues => Interlocked.Read(ref _queues);

    /// <summary>Blob requests sent.</summary>
    public long Blobs => Interlocked.Read(ref _blobs);

    /// <summary>All requests sent.</summary>
    public long Total => Tables + Queues + Blobs;

    internal HttpPipelinePolicy PolicyFor(ResourceKind service) => new Policy(this, service);

    private void Count(ResourceKind service)
    {
        switch (service)
        {
            case ResourceKind.Table:
                Interlocked.Increment(ref _tables);
                break;
            case ResourceKind.Queue:
                Interlocked.Increment(ref _queues);
                break;
            default:
                Interlocked.Increment(ref _blobs);
                break;
        }
    }

    private sealed class Policy(StorageRequestCounter owner, ResourceKind service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => owner.Count(service);
    }
}
