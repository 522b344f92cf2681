using Azure.Core;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Where the task hub lives and how its workers share it. Bind from "DurableTask:AzureStorage".</summary>
public sealed class AzureStorageOptions
{
    /// <summary>Task hub name: 3–45 lowercase letters and digits, starting with a letter. Every table, queue and container carries it.</summary>
    public string TaskHubName { get; set; } = "agentfactory";

    /// <summary>A storage connection string (or "UseDevelopmentStorage=true"). Either this or <see cref="AccountName"/> with <see cref="Credential"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Storage account name, used with <see cref="Credential"/> (managed identity in Azure).</summary>
    public string? AccountName { get; set; }

    /// <summary>An Entra ID credential for <see cref="AccountName"/>.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Control-queue partitions (1–16). Fixed for the life of a task hub: instances are placed by hash.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Identifies this worker in leases; stable across restarts so a restarted worker reclaims its partitions at once.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Partition lease duration (Azure allows 15–60 s); a dead owner's partitions move after this long.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often leases are renewed and ownership rebalanced.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest wait between polls of an idle queue (polling backs off from 10 ms to this).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received control or work-item message stays invisible to other workers.</summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A message delivered this many times without being completed is moved to the poison table.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Instances whose history stays cached in memory (idle ones are evicted first).</summary>
    public int MaxCachedInstances { get; set; } = 2000;

    /// <summary>
    /// Activities queued for in-process execution before new ones go to the shared work-item queue
    /// (where any worker can take them). 0 sends every activity through the queue.
    /// </summary>
    public int MaxLocalActivityBacklog { get; set; } = 64;

    /// <summary>Serialized payloads above this many UTF-16 chars go to a blob (a table string property holds 32K chars, a queue message 64 KiB).</summary>
    public int MaxInlinePayloadChars { get; set; } = 30_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when the options cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(TaskHubName) || TaskHubName.Length is < 3 or > 45 || !char.IsAsciiLetterLower(TaskHubName[0])
            || !TaskHubName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"TaskHubName '{TaskHubName}' must be 3–45 lowercase letters or digits, starting with a letter.", nameof(TaskHubName));
        }

        if (ConnectionString is null && (AccountName is null || Credential is null))
        {
            throw new ArgumentException("Set ConnectionString, or AccountName together with Credential.", nameof(ConnectionString));
        }

        if (PartitionCount is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(PartitionCount), PartitionCount, "PartitionCount must be between 1 and 16.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(15) || LeaseDuration > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "LeaseDuration must be 15 to 60 seconds (Azure blob lease limits).");
        }

        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval * 2 >= LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseRenewInterval), LeaseRenewInterval, "LeaseRenewInterval must be positive and under half of LeaseDuration.");
        }

        if (MaxDequeueCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDequeueCount), MaxDequeueCount, "MaxDequeueCount must be at least 1.");
        }
    }
}
