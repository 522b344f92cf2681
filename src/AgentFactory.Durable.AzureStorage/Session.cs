using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>A received control-queue message: what is needed to delete it or make it visible again.</summary>
internal sealed record QueueReceipt(int Partition, string MessageId, string PopReceipt, long DequeueCount);

/// <summary>A message waiting for an instance's next episode, with what to clean up once it is committed.</summary>
/// <param name="Message">The message.</param>
/// <param name="Queue">Set when it came from a control queue (delete after the commit).</param>
/// <param name="OutboxKey">Outbox row in this instance's partition that recorded it (deleted in the commit).</param>
/// <param name="ForeignOutbox">Outbox row of another instance that recorded it (deleted after the commit).</param>
internal sealed record PendingMessage(OrchestrationMessage Message, QueueReceipt? Queue, string? OutboxKey, (string InstanceId, string Key)? ForeignOutbox);

/// <summary>An instance this process owns: its cached state and the messages waiting for it.</summary>
internal sealed class Session(string instanceId, int partition)
{
    public string InstanceId { get; } = instanceId;

    public int Partition { get; } = partition;

    public object Gate { get; } = new();

    public List<PendingMessage> Inbox { get; } = [];

    /// <summary>An episode is running for it.</summary>
    public bool Locked { get; set; }

    /// <summary>It sits in the ready channel.</summary>
    public bool Queued { get; set; }

    /// <summary>State, ETag and history reflect storage.</summary>
    public bool Loaded { get; set; }

    public OrchestrationMetadata? State { get; set; }

    /// <summary>The status row's ETag and layout; null when the instance has no status row yet.</summary>
    public RowState? Row { get; set; }

    public List<HistoryEvent> History { get; set; } = [];

    /// <summary>Episodes abandoned in a row (poison detection).</summary>
    public int Abandons { get; set; }

    public long LastUsed { get; set; }
}

/// <summary>The lock on a session handed out with a work item.</summary>
internal sealed record SessionLock(Session Session, IReadOnlyList<PendingMessage> Messages);

/// <summary>An activity to run: from this process's own commit, or from the shared work-item queue.</summary>
internal sealed record ActivityItem(ActivityRequest Request, string? OutboxKey, string? QueueMessageId, string? PopReceipt, long DequeueCount);

/// <summary>A running reader of one control-queue partition.</summary>
internal sealed class PartitionReader(int partition)
{
    public int Partition { get; } = partition;

    public CancellationTokenSource Stop { get; } = new();

    /// <summary>Released to poll at once (a message was just sent to this partition from this process).</summary>
    public SemaphoreSlim Wake { get; } = new(0);

    public Task? Loop { get; set; }
}
