namespace AgentFactory.Durable.Execution;

/// <summary>
/// Runs an orchestrator's continuations one at a time on the replaying thread, in the order they were
/// posted, so that replay is deterministic. A post from any other thread, or after the episode, means
/// the code awaited something that is not durable; it is recorded, never run.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private bool _closed;

    /// <summary>Set when a continuation arrived from outside the orchestrator thread.</summary>
    public bool ForeignPostSeen { get; private set; }

    public int ThreadId => _threadId;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_queue)
        {
            if (_closed || Environment.CurrentManagedThreadId != _threadId)
            {
                ForeignPostSeen = true;
                return;
            }

            _queue.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send is not supported in orchestrator code.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations until none is left.</summary>
    public void Drain()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (_queue)
            {
                if (!_queue.TryDequeue(out item))
                {
                    return;
                }
            }

            item.Callback(item.State);
        }
    }

    /// <summary>After the episode nothing more runs; late posts only mark the context.</summary>
    public void Close()
    {
        lock (_queue)
        {
            _closed = true;
            _queue.Clear();
        }
    }
}
