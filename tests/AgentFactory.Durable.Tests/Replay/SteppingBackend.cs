using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Replay;

/// <summary>A signal that fires whenever something happened; waiters take <see cref="Next"/> before they look.</summary>
public sealed class ChangeSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Fire"/> after it was read.</summary>
    public Task Next
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    public void Fire()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            fired = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }
}

/// <summary>
/// A backend decorator that lets a test decide where episodes end: it hands out at most
/// <c>episodes</c> orchestration work items (unlimited when null), counts commits and abandons, and
/// fires <see cref="ChangeSignal"/> on every commit and every activity result.
/// </summary>
public sealed class SteppingBackend(IOrchestrationBackend inner, ChangeSignal changed, int? episodes = null) : DelegatingOrchestrationBackend(inner)
{
    private readonly SemaphoreSlim? _permits = episodes is int n ? new SemaphoreSlim(n) : null;
    private int _commits;
    private int _abandons;

    /// <summary>Orchestration work items committed through this decorator.</summary>
    public int Commits => Volatile.Read(ref _commits);

    /// <summary>Orchestration and activity work items abandoned through this decorator (a healthy run has none).</summary>
    public int Abandons => Volatile.Read(ref _abandons);

    public override async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken)
    {
        if (_permits is null)
        {
            return await Inner.LockNextOrchestrationWorkItemAsync(cancellationToken);
        }

        await _permits.WaitAsync(cancellationToken);
        OrchestrationWorkItem? workItem = null;
        try
        {
            workItem = await Inner.LockNextOrchestrationWorkItemAsync(cancellationToken);
            return workItem;
        }
        finally
        {
            if (workItem is null)
            {
                _permits.Release(); // the wait ended without work: the permit was not used
            }
        }
    }

    public override async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCommit commit, CancellationToken cancellationToken = default)
    {
        await Inner.CompleteOrchestrationWorkItemAsync(workItem, commit, cancellationToken);
        Interlocked.Increment(ref _commits);
        changed.Fire();
    }

    public override async Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default)
    {
        await Inner.AbandonOrchestrationWorkItemAsync(workItem, cancellationToken);
        Interlocked.Increment(ref _abandons);
        changed.Fire();
    }

    public override async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, OrchestrationMessage result, CancellationToken cancellationToken = default)
    {
        await Inner.CompleteActivityWorkItemAsync(workItem, result, cancellationToken);
        changed.Fire();
    }

    public override async Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default)
    {
        await Inner.AbandonActivityWorkItemAsync(workItem, cancellationToken);
        Interlocked.Increment(ref _abandons);
        changed.Fire();
    }
}
