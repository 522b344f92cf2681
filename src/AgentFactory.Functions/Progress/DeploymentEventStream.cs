using System.Runtime.CompilerServices;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Progress;

/// <summary>
/// One deployment's events from a cursor, for the live routes (Server-Sent Events and the WebSocket): what the log holds
/// after the cursor, then each event as this process's log announces it (<see cref="DeploymentEventFeed"/>), each once
/// and in order; a gap in the sequence, or a quiet spell of <c>idlePoll</c> (events another instance wrote are not
/// announced here), is filled from the log. Ends once the deployment has ended and the log has nothing more.
/// </summary>
public sealed class DeploymentEventStream : IDisposable
{
    private readonly AgentCreationService _creation;
    private readonly DeploymentEventFeed.Subscription _live;
    private readonly string _tenant;
    private readonly string _id;
    private readonly long _after;
    private readonly IReadOnlyList<DeploymentEvent> _first;

    private DeploymentEventStream(AgentCreationService creation, DeploymentEventFeed.Subscription live, string tenant, string id, long after,
        IReadOnlyList<DeploymentEvent> first)
    {
        (_creation, _live, _tenant, _id, _after, _first) = (creation, live, tenant, id, after, first);
    }

    /// <summary>The stream of <paramref name="tenant"/>'s deployment <paramref name="id"/> after <paramref name="after"/>; null when it has none.</summary>
    public static async Task<DeploymentEventStream?> OpenAsync(AgentCreationService creation, DeploymentEventFeed feed, string tenant, string id,
        long after, CancellationToken cancellationToken)
    {
        // Subscribe before the first read, so nothing written in between is missed; the log fills any gap.
        DeploymentEventFeed.Subscription live = feed.Subscribe(id);
        IReadOnlyList<DeploymentEvent>? first = await creation.ListEventsAsync(tenant, id, after, 1000, cancellationToken);
        if (first is null)
        {
            live.Dispose();
            return null;
        }

        return new DeploymentEventStream(creation, live, tenant, id, after, first);
    }

    public async IAsyncEnumerable<DeploymentEvent> ReadAllAsync(TimeSpan idlePoll, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long cursor = _after;
        foreach (DeploymentEvent e in _first.Where(e => e.Sequence > cursor))
        {
            yield return e;
            cursor = e.Sequence;
        }

        while (true)
        {
            DeploymentEvent? next = await NextAnnouncedAsync(idlePoll, cancellationToken);
            if (next is not null && next.Sequence <= cursor)
            {
                continue;
            }

            if (next is not null && next.Sequence == cursor + 1)
            {
                yield return next;
                cursor = next.Sequence;
                continue;
            }

            // A gap, or nothing announced for a while: the log says what there is.
            IReadOnlyList<DeploymentEvent> page = await _creation.ListEventsAsync(_tenant, _id, cursor, 1000, cancellationToken) ?? [];
            foreach (DeploymentEvent e in page.Where(e => e.Sequence > cursor))
            {
                yield return e;
                cursor = e.Sequence;
            }

            if (page.Count == 0 && next is null && await _creation.GetStatusAsync(_tenant, _id, cancellationToken) is { } view && Ended(view)
                && (await _creation.ListEventsAsync(_tenant, _id, cursor, 1, cancellationToken) ?? []).Count == 0)
            {
                yield break;
            }
        }
    }

    public void Dispose() => _live.Dispose();

    private async Task<DeploymentEvent?> NextAnnouncedAsync(TimeSpan idlePoll, CancellationToken cancellationToken)
    {
        if (_live.Events.TryRead(out DeploymentEvent? ready))
        {
            return ready;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idlePoll);
        try
        {
            return await _live.Events.ReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    // The orchestration records its last events before it ends, so an ended one has nothing more to come.
    private static bool Ended(DeploymentView view) => view.RuntimeStatus is { } runtime
        ? runtime is not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended)
        : view.Status is DeploymentStatus.Succeeded or DeploymentStatus.Failed or DeploymentStatus.Cancelled or DeploymentStatus.Expired;
}
