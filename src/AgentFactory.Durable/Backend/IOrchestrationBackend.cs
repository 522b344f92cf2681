using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Backend;

/// <summary>
/// The one seam between the engine and its storage. Orchestration work items are locked per
/// instance (one episode at a time); activity work items are competing consumers.
/// </summary>
/// <remarks>
/// Contract every backend keeps (checked by the conformance suite):
/// a commit is atomic (history, status and outgoing messages together); messages consumed by a
/// committed episode are never delivered again; an abandoned work item is delivered again;
/// messages for one instance are delivered in the order they were sent by one sender.
/// </remarks>
public interface IOrchestrationBackend
{
    /// <summary>Creates (or, when the old one is terminal, replaces) an instance and queues its start.</summary>
    /// <exception cref="OrchestrationAlreadyExistsException">An instance with that id is Pending, Running or Suspended.</exception>
    Task CreateInstanceAsync(OrchestrationMetadata instance, OrchestrationMessage start, CancellationToken cancellationToken = default);

    /// <summary>Queues a message (raise, terminate, suspend, resume) for an existing instance.</summary>
    /// <exception cref="OrchestrationNotFoundException">No such instance.</exception>
    Task SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken = default);

    /// <summary>The instance's status record, or null.</summary>
    Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The current execution's history (empty when unknown).</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>One page of instances that match <paramref name="query"/>, oldest first.</summary>
    Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes a terminal instance with everything it owns; false when there is none.</summary>
    /// <exception cref="OrchestrationStateException">The instance is not terminal.</exception>
    Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every terminal instance that matches <paramref name="filter"/>.</summary>
    Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Waits for an instance with deliverable messages and locks it; null when the wait ended without work.</summary>
    Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken);

    /// <summary>Commits an episode atomically and releases the lock.</summary>
    Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock without committing; the messages will be delivered again.</summary>
    Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default);

    /// <summary>Waits for an activity request and locks it; null when the wait ended without work.</summary>
    Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken);

    /// <summary>Delivers the activity's result to its orchestration and removes the request.</summary>
    Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, OrchestrationMessage result, CancellationToken cancellationToken = default);

    /// <summary>Releases the request so that it runs again.</summary>
    Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default);
}
