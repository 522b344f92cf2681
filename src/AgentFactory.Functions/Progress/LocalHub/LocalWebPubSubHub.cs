using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFactory.Functions.Progress.WebPubSub;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Progress.LocalHub;

/// <summary>
/// The app's own Web PubSub hub: connections, groups, and group messages in the <c>json.webpubsub.azure.v1</c>
/// envelope (<see cref="LocalHubEndpoint"/> speaks the protocol). One process only — behind several instances, or
/// behind the Azure Functions host (which does not forward WebSockets), use Azure Web PubSub.
/// </summary>
public sealed class LocalWebPubSubHub
{
    private readonly ConcurrentDictionary<string, HubConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<HubConnection>> _groups = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ILogger<LocalWebPubSubHub> _logger;

    public LocalWebPubSubHub(IOptions<ProgressOptions> options, TimeProvider time, ILogger<LocalWebPubSubHub> logger)
    {
        ProgressOptions o = options.Value;
        Hub = o.WebPubSub.Hub;
        Settings = o.Local;
        TokenLifetime = o.ClientTokenLifetime;
        AccessKey = o.Local.AccessKey is { Length: > 0 } key ? key : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Time = time;
        _logger = logger;
    }

    public string Hub { get; }

    internal LocalHubSettings Settings { get; }

    internal TimeSpan TokenLifetime { get; }

    internal string AccessKey { get; }

    internal TimeProvider Time { get; }

    /// <summary>Open and resumable connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// The client URL for a caller that reached the app at <paramref name="appBase"/> (<c>http://host:port</c>):
    /// <c>ws://host:port/client/hubs/{hub}?access_token=…</c>, the token signed with this hub's key.
    /// </summary>
    public Uri GetClientAccessUri(Uri appBase, string? userId, IEnumerable<string> roles, IEnumerable<string> groups) =>
        ClientAccess.Url(appBase, Hub, WebPubSubToken.ForClient(AccessKey, ClientAccess.Audience(appBase, Hub), Time.GetUtcNow(), TokenLifetime,
            userId, roles, groups));

    /// <summary>Sends <paramref name="json"/> to every connection in <paramref name="group"/>; never waits for one.</summary>
    public int SendToGroup(string group, ReadOnlySpan<byte> json)
    {
        HubConnection[] members;
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out HashSet<HubConnection>? set) || set.Count == 0)
            {
                return 0;
            }

            members = [.. set];
        }

        byte[] tail = GroupMessageTail(group, json);
        int sent = 0;
        foreach (HubConnection connection in members)
        {
            if (connection.EnqueueData(tail))
            {
                sent++;
            }
            else
            {
                Remove(connection, "too far behind");
            }
        }

        return sent;
    }

    /// <summary>Drops the sockets of <paramref name="group"/>'s connections as a network failure would (they stay resumable). For tests.</summary>
    internal int AbortSockets(string group)
    {
        HubConnection[] members;
        lock (_lock)
        {
            members = _groups.TryGetValue(group, out HashSet<HubConnection>? set) ? [.. set] : [];
        }

        foreach (HubConnection connection in members)
        {
            connection.AbortSocket();
        }

        return members.Length;
    }

    /// <summary>While true, resumes are refused (the client keeps trying for 30 s): a network that stays down. For tests.</summary>
    internal bool HoldResumes { get; set; }

    internal HubConnection Open(string? userId, IReadOnlyList<string> roles, IEnumerable<string> groups, bool reliable)
    {
        string id = Base64Url(RandomNumberGenerator.GetBytes(16));
        var connection = new HubConnection(id, userId, roles, reliable, reliable ? Base64Url(RandomNumberGenerator.GetBytes(32)) : null,
            Settings.ConnectionQueueCapacity);
        _connections[id] = connection;
        foreach (string group in groups)
        {
            Join(connection, group);
        }

        return connection;
    }

    /// <summary>The resumable connection named by a reconnect, or null.</summary>
    internal HubConnection? Find(string? connectionId, string? reconnectionToken) =>
        connectionId is not null && reconnectionToken is not null && _connections.TryGetValue(connectionId, out HubConnection? c)
        && !c.Closed && c.ReconnectionToken is { } token
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(reconnectionToken))
            ? c : null;

    internal void Join(HubConnection connection, string group)
    {
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out HashSet<HubConnection>? set))
            {
                _groups[group] = set = [];
            }

            set.Add(connection);
            connection.Groups.Add(group);
        }
    }

    internal void Leave(HubConnection connection, string group)
    {
        lock (_lock)
        {
            LeaveLocked(connection, group);
        }
    }

    internal void Remove(HubConnection connection, string reason)
    {
        connection.Close();
        if (_connections.TryRemove(new KeyValuePair<string, HubConnection>(connection.Id, connection)))
        {
            lock (_lock)
            {
                foreach (string group in connection.Groups.ToArray())
                {
                    LeaveLocked(connection, group);
                }
            }

            _logger.ConnectionDropped(connection.Id, reason);
        }
    }

    private void LeaveLocked(HubConnection connection, string group)
    {
        if (_groups.TryGetValue(group, out HashSet<HubConnection>? set))
        {
            set.Remove(connection);
            if (set.Count == 0)
            {
                _groups.Remove(group);
            }
        }

        connection.Groups.Remove(group);
    }

    /// <summary><c>"type":"message","from":"group","group":g,"dataType":"json","data":…}</c> — the envelope without its opening brace.</summary>
    private static byte[] GroupMessageTail(string group, ReadOnlySpan<byte> json)
    {
        using var buffer = new MemoryStream(json.Length + group.Length + 80);
        buffer.Write("\"type\":\"message\",\"from\":\"group\",\"group\":"u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(group);
        }

        buffer.Write(",\"dataType\":\"json\",\"data\":"u8);
        buffer.Write(json);
        buffer.Write("}"u8);
        return buffer.ToArray();
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
