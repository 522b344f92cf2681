using System.Threading.Channels;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Progress;

/// <summary>
/// In-process subscriptions to one deployment's events as they reach the log (the <c>/ws/factory/deployment/{id}</c>
/// route). Each subscription has a small bounded queue that drops its oldest event when full: the reader notices the
/// gap in the sequence and reads it from the log, so a slow reader costs the writer nothing.
/// </summary>
public sealed class DeploymentEventFeed
{
    public const int QueueCapacity = 256;

    private readonly Dictionary<string, Subscription[]> _subscribers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Subscription Subscribe(string deploymentId)
    {
        var subscription = new Subscription(this, deploymentId);
        lock (_lock)
        {
            _subscribers[deploymentId] = _subscribers.TryGetValue(deploymentId, out Subscription[]? current) ? [.. current, subscription] : [subscription];
        }

        return subscription;
    }

    public void Notify(DeploymentEvent e)
    {
        Subscription[]? subscribers;
        lock (_lock)
        {
            _subscribers.TryGetValue(e.DeploymentId, out subscribers);
        }

        foreach (Subscription s in subscribers ?? [])
        {
            s.Queue.Writer.TryWrite(e);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(subscription.DeploymentId, out Subscription[]? current))
            {
                Subscription[] left = [.. current.Where(s => s != subscription)];
                if (left.Length == 0)
                {
                    _subscribers.Remove(subscription.DeploymentId);
                }
                else
                {
                    _subscribers[subscription.DeploymentId] = left;
                }
            }
        }
    }

    public sealed class Subscription(DeploymentEventFeed feed, string deploymentId) : IDisposable
    {
        internal Channel<DeploymentEvent> Queue { get; } = Channel.CreateBounded<DeploymentEvent>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public string DeploymentId { get; } = deploymentId;

        public ChannelReader<DeploymentEvent> Events => Queue.Reader;

        public void Dispose()
        {
            feed.Remove(this);
            Queue.Writer.TryComplete();
        }
    }
}
