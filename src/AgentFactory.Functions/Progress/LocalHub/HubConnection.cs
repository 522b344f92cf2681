using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AgentFactory.Functions.Progress.LocalHub;

/// <summary>
/// One client of the local hub. Everything it is sent goes through its own queue and one writer, so the hub never
/// waits for a socket. Data messages are bounded (<see cref="LocalHubSettings.ConnectionQueueCapacity"/>): a client
/// that falls that far behind is closed with 1008 and starts afresh (its portal code resumes from the log) —
/// drop-and-resync, never back-pressure on the publisher. With the reliable subprotocol data messages carry a
/// <c>sequenceId</c> and stay queued until the client acknowledges them, so a connection that drops can be resumed
/// (<c>awps_connection_id</c> + <c>awps_reconnection_token</c>) and gets what it missed, exactly once.
/// </summary>
public sealed class HubConnection
{
    private readonly Lock _lock = new();
    private readonly List<(long Sequence, byte[] Frame)> _data = [];
    private readonly Queue<byte[]> _control = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly HashSet<long> _ackIds = [];
    private readonly int _capacity;
    private long _nextSequence;
    private long _sentUpTo;
    private WebSocket? _socket;
    private int _generation;

    internal HubConnection(string id, string? userId, IReadOnlyList<string> roles, bool reliable, string? reconnectionToken, int capacity)
    {
        Id = id;
        UserId = userId;
        Roles = roles;
        Reliable = reliable;
        ReconnectionToken = reconnectionToken;
        _capacity = capacity;
    }

    public string Id { get; }

    public string? UserId { get; }

    public IReadOnlyList<string> Roles { get; }

    public bool Reliable { get; }

    internal string? ReconnectionToken { get; }

    internal HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>Closed for good (dropped, expired, or closed by the client).</summary>
    public bool Closed { get; private set; }

    internal bool Attached
    {
        get
        {
            lock (_lock)
            {
                return _socket is not null;
            }
        }
    }

    internal int Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    /// <summary>
    /// Queues a group message (<paramref name="tail"/> is the JSON after <c>{</c>); false when the connection is
    /// closed or was dropped now for being too far behind.
    /// </summary>
    internal bool EnqueueData(byte[] tail)
    {
        lock (_lock)
        {
            if (Closed)
            {
                return false;
            }

            if (_data.Count >= _capacity)
            {
                Closed = true;
            }
            else
            {
                long sequence = ++_nextSequence;
                _data.Add((sequence, Reliable ? Concat($"{{\"sequenceId\":{sequence},", tail) : Concat("{", tail)));
            }
        }

        _wake.Release();
        return !Closed;
    }

    internal void EnqueueControl(object message)
    {
        lock (_lock)
        {
            _control.Enqueue(JsonSerializer.SerializeToUtf8Bytes(message));
        }

        _wake.Release();
    }

    /// <summary>False when the ack id was seen before (the service answers such a request with <c>Duplicate</c>).</summary>
    internal bool FirstUseOfAckId(long ackId)
    {
        lock (_lock)
        {
            return _ackIds.Add(ackId);
        }
    }

    /// <summary>The client has everything up to <paramref name="sequenceId"/>: those need not be kept for a resume.</summary>
    internal void Acknowledge(long sequenceId)
    {
        lock (_lock)
        {
            _data.RemoveAll(d => d.Sequence <= sequenceId);
        }
    }

    /// <summary>Gives the connection its (new) socket; on a resume everything unacknowledged is sent again, in order.</summary>
    internal int Attach(WebSocket socket)
    {
        lock (_lock)
        {
            _socket = socket;
            _sentUpTo = _data.Count > 0 ? _data[0].Sequence - 1 : _nextSequence;
            _control.Clear();
            return ++_generation;
        }
    }

    internal void Detach(int generation)
    {
        lock (_lock)
        {
            if (_generation == generation)
            {
                _socket = null;
            }
        }

        _wake.Release();
    }

    internal void AbortSocket()
    {
        WebSocket? socket;
        lock (_lock)
        {
            socket = _socket;
        }

        socket?.Abort();
    }

    internal void Close()
    {
        lock (_lock)
        {
            Closed = true;
        }

        _wake.Release();
    }

    /// <summary>Writes queued frames to the socket of <paramref name="generation"/> until it is replaced, detached or closed.</summary>
    internal async Task WriteLoopAsync(WebSocket socket, int generation, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            byte[]? frame = null;
            bool dropped;
            lock (_lock)
            {
                if (_generation != generation || _socket is null)
                {
                    return;
                }

                dropped = Closed;
                if (!dropped && !_control.TryDequeue(out frame))
                {
                    int index = _data.FindIndex(d => d.Sequence > _sentUpTo);
                    if (index >= 0)
                    {
                        frame = _data[index].Frame;
                        _sentUpTo = _data[index].Sequence;
                        if (!Reliable)
                        {
                            _data.RemoveAt(index);
                        }
                    }
                }
            }

            if (dropped)
            {
                // 1008 tells the official client not to try resuming: it reconnects afresh and rejoins its groups.
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Too far behind: reconnect and resume from the event log.",
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            if (frame is null)
            {
                await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Concat(string head, byte[] tail)
    {
        byte[] frame = new byte[Encoding.UTF8.GetByteCount(head) + tail.Length];
        int n = Encoding.UTF8.GetBytes(head, frame);
        tail.CopyTo(frame, n);
        return frame;
    }
}
