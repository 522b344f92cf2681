using System.Text.Json;
using System.Threading.Channels;
using AgentFactory.Core;
using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Storage;
using Azure.Core;

namespace AgentFactory.Functions.Progress;

/// <summary>
/// The seam of live progress: where an event goes once it is in the log. <see cref="Publish"/> returns at once and
/// never throws: a slow, dead or unreachable receiver costs the orchestration nothing, and what is lost live is in the
/// log (clients resume from their last sequence).
/// </summary>
public interface IProgressPublisher
{
    void Publish(DeploymentEvent e);
}

/// <summary>Group names and the message a client receives.</summary>
public static class ProgressGroups
{
    public const string Prefix = "deployment-";

    /// <summary><c>deployment-{id}</c>: the group of one deployment's events.</summary>
    public static string For(string deploymentId) => Prefix + deploymentId;

    /// <summary>The event as JSON, the same shape as <c>GET …/events</c> items (camelCase; <c>sequence</c> is the cursor).</summary>
    public static byte[] Message(DeploymentEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, AgentFactoryJson.Options);
}

/// <summary>The in-process hub (<c>Provider=Local</c>).</summary>
public sealed class LocalHubProgressPublisher(LocalWebPubSubHub hub) : IProgressPublisher
{
    public void Publish(DeploymentEvent e) => hub.SendToGroup(ProgressGroups.For(e.DeploymentId), ProgressGroups.Message(e));
}

/// <summary>
/// Azure Web PubSub (<c>Provider=WebPubSub</c>): events wait in a bounded queue (the oldest dropped when full) and one
/// sender posts them in order to their deployment's group; a failed send (after the client's retries) is logged and
/// skipped — the client sees a gap in the sequence and reads it from the log.
/// </summary>
public sealed class WebPubSubProgressPublisher : BackgroundService, IProgressPublisher
{
    private readonly Channel<DeploymentEvent> _queue;
    private readonly WebPubSubServiceClient _client;
    private readonly ILogger<WebPubSubProgressPublisher> _logger;
    private long _dropped;

    public WebPubSubProgressPublisher(WebPubSubServiceClient client, ProgressOptions options, ILogger<WebPubSubProgressPublisher> logger)
    {
        _client = client;
        _logger = logger;
        _queue = Channel.CreateBounded<DeploymentEvent>(new BoundedChannelOptions(options.PublishQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Publish(DeploymentEvent e) => _queue.Writer.TryWrite(e);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (DeploymentEvent e in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await _client.SendToGroupAsync(ProgressGroups.For(e.DeploymentId), new BinaryData(ProgressGroups.Message(e)), ContentType.ApplicationJson,
                    cancellationToken: stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.PublishFailed(e.DeploymentId, e.Sequence, ex.Message);
            }
        }
    }
}

/// <summary>What the event log tells: the in-process feed (WebSocket route) and the configured publisher both hear it.</summary>
public sealed class ProgressFanout(DeploymentEventFeed feed, IProgressPublisher publisher, ILogger<ProgressFanout> logger) : IDeploymentEventObserver
{
    public void Appended(DeploymentEvent e)
    {
        feed.Notify(e);
        try
        {
            publisher.Publish(e);
        }
        catch (Exception ex)
        {
            logger.PublishFailed(e.DeploymentId, e.Sequence, ex.Message);
        }
    }
}

internal static partial class ProgressLogs
{
    [LoggerMessage(EventId = 760, Level = LogLevel.Warning, Message = "Live progress of deployment {Deployment}, event {Sequence}, not published: {Reason}")]
    public static partial void PublishFailed(this ILogger logger, string deployment, long sequence, string reason);

    [LoggerMessage(EventId = 761, Level = LogLevel.Information, Message = "Local hub: connection {Connection} dropped: {Reason}")]
    public static partial void ConnectionDropped(this ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 762, Level = LogLevel.Information, Message = "Local hub: connection refused: {Reason}")]
    public static partial void ConnectionRefused(this ILogger logger, string reason);
}
