using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Backend;

/// <summary>
/// A backend that forwards every call to another one: the base for decorators that observe or steer a
/// few calls (tests, benchmarks, instrumentation) and override only those.
/// </summary>
public abstract class DelegatingOrchestrationBackend(IOrchestrationBackend inner) : IOrchestrationBackend
{
    /// <summary>The backend calls are forwarded to.</summary>
    protected IOrchestrationBackend Inner { get; } = inner;

    public virtual Task CreateInstanceAsync(OrchestrationMetadata instance, OrchestrationMessage start, CancellationToken cancellationToken = default) =>
        Inner.CreateInstanceAsync(instance, start, cancellationToken);

    public virtual Task SendMessageAsync(OrchestrationMessage message, CancellationToken cancellationToken = default) =>
        Inner.SendMessageAsync(message, cancellationToken);

    public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Inner.GetInstanceAsync(instanceId, cancellationToken);

    public virtual Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Inner.GetHistoryAsync(instanceId, cancellationToken);

    public virtual Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default) =>
        Inner.QueryInstancesAsync(query, cancellationToken);

    public virtual Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Inner.PurgeInstanceAsync(instanceId, cancellationToken);

    public virtual Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default) =>
        Inner.PurgeInstancesAsync(filter, cancellationToken);

    public virtual Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken) =>
        Inner.LockNextOrchestrationWorkItemAsync(cancellationToken);

    public virtual Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default) =>
        Inner.CompleteOrchestrationWorkItemAsync(workItem, commit, cancellationToken);

    public virtual Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default) =>
        Inner.AbandonOrchestrationWorkItemAsync(workItem, cancellationToken);

    public virtual Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken) =>
        Inner.LockNextActivityWorkItemAsync(cancellationToken);

    public virtual Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, OrchestrationMessage result, CancellationToken cancellationToken = default) =>
        Inner.CompleteActivityWorkItemAsync(workItem, result, cancellationToken);

    public virtual Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default) =>
        Inner.AbandonActivityWorkItemAsync(workItem, cancellationToken);
}
