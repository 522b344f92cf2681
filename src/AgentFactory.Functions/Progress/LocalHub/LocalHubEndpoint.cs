using System.Net.WebSockets;
using System.Text.Json;
using AgentFactory.Functions.Progress.WebPubSub;

namespace AgentFactory.Functions.Progress.LocalHub;

/// <summary>
/// <c>/client/hubs/{hub}</c>: the client side of Web PubSub's <c>json.webpubsub.azure.v1</c> and
/// <c>json.reliable.webpubsub.azure.v1</c> subprotocols. A client connects with <c>?access_token=</c> (the token of
/// <c>GET …/negotiate</c>; signature, <c>aud</c> and <c>exp</c> checked, 401 otherwise), is joined to the token's
/// <c>webpubsub.group</c> groups, gets the <c>connected</c> system message, and may join or leave the groups its
/// <c>role</c> claims allow (acks with <c>Forbidden</c> otherwise); <c>ping</c> gets <c>pong</c>. A reliable client
/// acknowledges with <c>sequenceAck</c> and resumes a dropped connection with <c>awps_connection_id</c> and
/// <c>awps_reconnection_token</c>.
/// </summary>
public static class LocalHubEndpoint
{
    public const string JsonProtocol = "json.webpubsub.azure.v1";
    public const string ReliableJsonProtocol = "json.reliable.webpubsub.azure.v1";

    private const int MaxMessageBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapLocalWebPubSubHub(this IEndpointRouteBuilder app)
    {
        // The token in the URL is the credential (browsers cannot set headers on a WebSocket).
        app.Map("/client/hubs/{hub}", ConnectAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task ConnectAsync(HttpContext context, string hub, LocalWebPubSubHub hubs, ILoggerFactory loggers)
    {
        ILogger logger = loggers.CreateLogger(typeof(LocalHubEndpoint));
        if (!string.Equals(hub, hubs.Hub, StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, logger, StatusCodes.Status404NotFound, $"No hub '{hub}' here.");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, "Connect with a WebSocket.");
            return;
        }

        string? protocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(p => p is ReliableJsonProtocol or JsonProtocol);
        if (protocol is null)
        {
            await RefuseAsync(context, logger, StatusCodes.Status400BadRequest, $"Ask for the subprotocol {JsonProtocol} or {ReliableJsonProtocol}.");
            return;
        }

        HubConnection connection;
        string? resumeId = context.Request.Query["awps_connection_id"].FirstOrDefault();
        if (resumeId is not null)
        {
            HubConnection? found = hubs.Find(resumeId, context.Request.Query["awps_reconnection_token"].FirstOrDefault());
            if (hubs.HoldResumes)
            {
                await RefuseAsync(context, logger, StatusCodes.Status503ServiceUnavailable, "Resumes are held.");
                return;
            }

            if (found is null || found.Attached || protocol != ReliableJsonProtocol)
            {
                // Gone (expired, dropped, or closed): the client starts a new connection.
                await RefuseAsync(context, logger, StatusCodes.Status404NotFound, "That connection cannot be resumed.");
                return;
            }

            connection = found;
        }
        else
        {
            string? token = context.Request.Query["access_token"].FirstOrDefault()
                ?? (context.Request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..] : null);
            string audience = ClientAccess.Audience(new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"), hubs.Hub);
            ClientTokenClaims? claims = WebPubSubToken.Validate(hubs.AccessKey, token, audience, hubs.Time.GetUtcNow(), out string? problem);
            if (claims is null)
            {
                await RefuseAsync(context, logger, StatusCodes.Status401Unauthorized, problem!);
                return;
            }

            connection = hubs.Open(claims.UserId, claims.Roles, claims.Groups, protocol == ReliableJsonProtocol);
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = protocol,
            KeepAliveInterval = TimeSpan.FromSeconds(20),
        });
        int generation = connection.Attach(socket);
        connection.EnqueueControl(new Dictionary<string, object?>
        {
            ["type"] = "system",
            ["event"] = "connected",
            ["userId"] = connection.UserId,
            ["connectionId"] = connection.Id,
            ["reconnectionToken"] = connection.ReconnectionToken,
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task writer = connection.WriteLoopAsync(socket, generation, stop.Token);
        bool clientClosed = false;
        try
        {
            clientClosed = await ReadLoopAsync(socket, connection, hubs, stop.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or JsonException)
        {
            // The network or the client went away: a reliable connection stays resumable for a while.
        }
        finally
        {
            connection.Detach(generation);
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        if (connection.Closed || clientClosed || !connection.Reliable)
        {
            hubs.Remove(connection, connection.Closed ? "too far behind" : "closed");
            if (clientClosed && socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }

            return;
        }

        _ = ExpireAsync(connection, generation, hubs);
    }

    // Forgets a dropped reliable connection that was not resumed in time.
    private static async Task ExpireAsync(HubConnection connection, int generation, LocalWebPubSubHub hubs)
    {
        await Task.Delay(hubs.Settings.ReconnectWindow, hubs.Time).ConfigureAwait(false);
        if (connection.Generation == generation && !connection.Attached)
        {
            hubs.Remove(connection, "not resumed in time");
        }
    }

    /// <summary>Handles the client's messages; true when the client closed the connection.</summary>
    private static async Task<bool> ReadLoopAsync(WebSocket socket, HubConnection connection, LocalWebPubSubHub hubs, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return true;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxMessageBytes)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "Messages are at most 64 KiB.", cancellationToken);
                return true;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                Handle(message.GetBuffer().AsSpan(0, (int)message.Length), connection, hubs);
            }

            message.SetLength(0);
        }
    }

    private static void Handle(ReadOnlySpan<byte> json, HubConnection connection, LocalWebPubSubHub hubs)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        string? type = Text(root, "type");
        long? ackId = root.TryGetProperty("ackId", out JsonElement a) && a.TryGetInt64(out long id) ? id : null;
        string? group = Text(root, "group");
        switch (type)
        {
            case "ping":
                connection.EnqueueControl(new { type = "pong" });
                return;
            case "sequenceAck" when root.TryGetProperty("sequenceId", out JsonElement s) && s.TryGetInt64(out long sequenceId):
                connection.Acknowledge(sequenceId);
                return;
            case "joinGroup" or "leaveGroup":
                if (ackId is { } joinAck && !connection.FirstUseOfAckId(joinAck))
                {
                    Ack(connection, joinAck, "Duplicate", "The ackId was used before.");
                }
                else if (string.IsNullOrWhiteSpace(group) || group.Length > 1024)
                {
                    Ack(connection, ackId, "InvalidRequest", "A group name is 1–1024 characters.");
                }
                else if (!Allowed(connection, "webpubsub.joinLeaveGroup", group))
                {
                    Ack(connection, ackId, "Forbidden", $"The token does not allow joining or leaving '{group}'.");
                }
                else
                {
                    if (type == "joinGroup")
                    {
                        hubs.Join(connection, group);
                    }
                    else
                    {
                        hubs.Leave(connection, group);
                    }

                    Ack(connection, ackId, null, null);
                }

                return;
            case "sendToGroup":
                if (string.IsNullOrWhiteSpace(group) || !Allowed(connection, "webpubsub.sendToGroup", group))
                {
                    Ack(connection, ackId, "Forbidden", $"The token does not allow sending to '{group}'.");
                    return;
                }

                // Only JSON data is relayed here: progress clients are read-only, and this hub serves nothing else.
                if ((Text(root, "dataType") ?? "json") != "json" || !root.TryGetProperty("data", out JsonElement data))
                {
                    Ack(connection, ackId, "InvalidRequest", "This hub relays JSON data only.");
                    return;
                }

                hubs.SendToGroup(group, System.Text.Encoding.UTF8.GetBytes(data.GetRawText()));
                Ack(connection, ackId, null, null);
                return;
            case "event":
                Ack(connection, ackId, "InternalServerError", "This hub has no event handler.");
                return;
            default:
                return;
        }
    }

    private static bool Allowed(HubConnection connection, string permission, string group) =>
        connection.Roles.Any(r => r == permission || r == permission + "." + group);

    private static void Ack(HubConnection connection, long? ackId, string? error, string? message)
    {
        if (ackId is null)
        {
            return;
        }

        connection.EnqueueControl(error is null
            ? new { type = "ack", ackId, success = true }
            : (object)new { type = "ack", ackId, success = false, error = new { name = error, message } });
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task RefuseAsync(HttpContext context, ILogger logger, int status, string reason)
    {
        logger.ConnectionRefused(reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason);
    }
}
