using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// Owns control-queue partitions through blob leases: acquires a fair share (partitions ÷ live
/// workers, counted by heartbeat blobs), renews them, releases extras when workers join, takes over
/// expired leases of dead workers, and releases everything on shutdown.
/// </summary>
internal sealed class PartitionManager(TaskHub hub, ILogger logger, Func<int, Task> acquired, Func<int, Task> lost)
{
    private readonly AzureStorageOptions _options = hub.Options;
    private readonly HashSet<int> _owned = [];
    private readonly object _gate = new();

    public bool Owns(int partition)
    {
        lock (_gate)
        {
            return _owned.Contains(partition);
        }
    }

    public int[] Owned
    {
        get
        {
            lock (_gate)
            {
                return [.. _owned];
            }
        }
    }

    /// <summary>Balances and renews until <paramref name="stopping"/>, then releases every lease.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        bool created = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!created)
                {
                    await CreateLeaseBlobsAsync(stopping).ConfigureAwait(false);
                    created = true;
                }

                await BalanceAsync(stopping).ConfigureAwait(false);
            }
            // Also when stopping: a round cut short by the stop (OperationCanceledException, or an AggregateException from
            // the retry policy) must not skip ReleaseAllAsync below.
            catch (Exception ex)
            {
                if (!stopping.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Partition balancing failed; retrying.");
                }
            }

            try
            {
                await Task.Delay(_options.LeaseRenewInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await ReleaseAllAsync().ConfigureAwait(false);
    }

    private async Task BalanceAsync(CancellationToken cancellationToken)
    {
        int alive = await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        int target = (_options.PartitionCount + alive - 1) / alive;
        foreach (int partition in Owned)
        {
            try
            {
                await Lease(partition).RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                logger.LogWarning("Lost the lease of partition {Partition}.", partition);
                await DropAsync(partition).ConfigureAwait(false);
            }
        }

        foreach (int partition in Owned.OrderDescending().Take(Math.Max(0, Owned.Length - target)))
        {
            // Another worker joined: hand over the extras so the load spreads.
            await DropAsync(partition).ConfigureAwait(false);
            await ReleaseAsync(partition).ConfigureAwait(false);
        }

        int offset = (int)(Partitioning.Fnv1a(_options.WorkerId) % (uint)_options.PartitionCount);
        for (int i = 0; i < _options.PartitionCount && Owned.Length < target; i++)
        {
            int partition = (offset + i) % _options.PartitionCount;
            if (Owns(partition))
            {
                continue;
            }

            try
            {
                await Lease(partition).AcquireAsync(_options.LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                continue; // owned by a live worker
            }

            lock (_gate)
            {
                _owned.Add(partition);
            }

            logger.LogInformation("Worker {WorkerId} acquired partition {Partition}.", _options.WorkerId, partition);
            await acquired(partition).ConfigureAwait(false);
        }
    }

    private async Task<int> HeartbeatAsync(CancellationToken cancellationToken)
    {
        BlobClient me = hub.Leases.GetBlobClient($"workers/{_options.WorkerId}");
        await me.UploadAsync(BinaryData.FromString(DateTimeOffset.UtcNow.ToString("o")), overwrite: true, cancellationToken).ConfigureAwait(false);
        int alive = 0;
        DateTimeOffset cutoff = DateTimeOffset.UtcNow - _options.LeaseDuration;
        await foreach (BlobItem worker in hub.Leases.GetBlobsAsync(BlobTraits.None, BlobStates.None, "workers/", cancellationToken).ConfigureAwait(false))
        {
            if (worker.Properties.LastModified >= cutoff)
            {
                alive++;
            }
        }

        return Math.Max(alive, 1);
    }

    private async Task DropAsync(int partition)
    {
        lock (_gate)
        {
            if (!_owned.Remove(partition))
            {
                return;
            }
        }

        await lost(partition).ConfigureAwait(false);
    }

    private async Task ReleaseAllAsync()
    {
        foreach (int partition in Owned)
        {
            await DropAsync(partition).ConfigureAwait(false);
            await ReleaseAsync(partition).ConfigureAwait(false);
        }

        try
        {
            await hub.Leases.DeleteBlobIfExistsAsync($"workers/{_options.WorkerId}").ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            logger.LogDebug(ex, "Could not remove the heartbeat of {WorkerId}.", _options.WorkerId);
        }
    }

    private async Task ReleaseAsync(int partition)
    {
        try
        {
            await Lease(partition).ReleaseAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            logger.LogDebug(ex, "Release of partition {Partition} failed; the lease expires by itself.", partition);
        }
    }

    private async Task CreateLeaseBlobsAsync(CancellationToken cancellationToken)
    {
        await hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        for (int partition = 0; partition < _options.PartitionCount; partition++)
        {
            try
            {
                await hub.Leases.GetBlobClient(LeaseBlobName(partition)).UploadAsync(BinaryData.FromString(""),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Exists (and may be leased).
            }
        }
    }

    // The lease id is derived from the worker id, so a worker restarted under the same id takes its partitions back at once.
    private BlobLeaseClient Lease(int partition) =>
        hub.Leases.GetBlobClient(LeaseBlobName(partition)).GetBlobLeaseClient(LeaseId(partition));

    private string LeaseId(int partition) =>
        new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{_options.TaskHubName}/{_options.WorkerId}/{partition}"))).ToString();

    private static string LeaseBlobName(int partition) => $"partitions/{partition:D2}";
}
