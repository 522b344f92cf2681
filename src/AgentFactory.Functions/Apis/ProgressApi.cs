using System.Net.WebSockets;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Live progress of a deployment. <c>GET /api/platform/factory/agents/{id}/negotiate</c> → <c>{url, token, group}</c>:
/// a Web PubSub client URL (Azure's, or the local hub's) whose token lets the caller join only that deployment's group,
/// read-only. <c>WS /ws/factory/deployment/{id}?after=N</c>: the deployment's events as JSON text frames, from the
/// log after N then live, each once and in order; closed (1000) once the deployment has ended and all was sent. Both
/// need the caller's key (<c>code</c> query parameter for browsers' WebSockets); another tenant's deployment is not found.
/// </summary>
public static class ProgressApi
{
    /// <summary>How often the WebSocket route looks at the log when nothing was announced (events written by another instance).</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapProgressApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(FactoryHttp.Prefix + "/agents/{id}/negotiate", NegotiateAsync).RequireAuthorization("Factory").WithTags("Agents").WithName("NegotiateProgress");
        app.MapGet("/ws/factory/deployment/{id}", StreamAsync).RequireAuthorization("Factory").WithTags("Agents").WithName("DeploymentWebSocket");
        if (app.ServiceProvider.GetRequiredService<IOptions<ProgressOptions>>().Value.Provider == ProgressProvider.Local)
        {
            app.MapLocalWebPubSubHub();
        }

        return app;
    }

    private static async Task<IResult> NegotiateAsync(HttpContext context, AgentCreationService creation, IServiceProvider services, string id,
        CancellationToken cancellationToken)
    {
        string tenant = FactoryHttp.TenantOf(context.User);
        if (await creation.ListEventsAsync(tenant, id, 0, 1, cancellationToken) is null)
        {
            return NotFound();
        }

        string group = ProgressGroups.For(id);
        string[] roles = ["webpubsub.joinLeaveGroup." + group];
        string? user = context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        Uri url;
        if (services.GetService<WebPubSubServiceClient>() is { } azure)
        {
            try
            {
                url = await azure.GetClientAccessUriAsync(user, roles, [group],
                    services.GetRequiredService<IOptions<ProgressOptions>>().Value.ClientTokenLifetime, cancellationToken);
            }
            catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException)
            {
                return ClientTokenUnavailable(ex, services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProgressApi)));
            }
        }
        else
        {
            url = services.GetRequiredService<LocalWebPubSubHub>().GetClientAccessUri(
                new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"), user, roles, [group]);
        }

        string token = System.Web.HttpUtility.ParseQueryString(url.Query)["access_token"]!;
        return FactoryHttp.Json(new { url = url.AbsoluteUri, token, group });
    }

    private static async Task<IResult> StreamAsync(HttpContext context, AgentCreationService creation, DeploymentEventFeed feed, string id, long after = 0)
    {
        if (after < 0)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter", "'after' must be ≥ 0.");
        }

        CancellationToken aborted = context.RequestAborted;
        using DeploymentEventStream? events = await DeploymentEventStream.OpenAsync(creation, feed, FactoryHttp.TenantOf(context.User), id, after, aborted);
        if (events is null)
        {
            return NotFound();
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "WebSocket required", "Connect with a WebSocket (ws:// or wss://).");
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _ = DrainClientAsync(socket, closing);
        try
        {
            await foreach (DeploymentEvent e in events.ReadAllAsync(IdlePoll, closing.Token))
            {
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(e, AgentFactoryJson.Options), WebSocketMessageType.Text, true, closing.Token);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "The deployment has ended.", closing.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }

        return Results.Empty;
    }

    // The route only sends; reading notices the client's close (and ignores anything else it says).
    private static async Task DrainClientAsync(WebSocket socket, CancellationTokenSource closing)
    {
        byte[] buffer = new byte[1024];
        try
        {
            while (!closing.IsCancellationRequested)
            {
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), closing.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        await closing.CancelAsync();
    }

    /// <summary>
    /// The service would not issue a client token (identity mode): 502 when it refused (a 4xx other than 429 — the
    /// identity lacks its role, the service's rules changed), 503 with Retry-After when it, the network or the sign-in
    /// failed in a way that may pass.
    /// </summary>
    private static IResult ClientTokenUnavailable(Exception ex, ILogger logger)
    {
        int status = ex is RequestFailedException failed ? failed.Status : 0;
        string code = (ex as RequestFailedException)?.ErrorCode ?? "";
        logger.LogWarning("Web PubSub issued no client token: {Status} {Code} {Kind}", status, code, ex.GetType().Name);
        bool refused = status is >= 400 and < 500 and not 429;
        string why = status == 0 ? "the app could not reach it or sign in" : $"it answered {status}{(code.Length > 0 ? " " + code : "")}";
        IResult problem = FactoryHttp.Problem(refused ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            "Live progress unavailable", $"Azure Web PubSub did not issue a client token ({why}). The event log (GET …/events) still has every event.");
        return refused ? problem : new RetryAfter(problem, 5);
    }

    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static IResult NotFound() =>
        FactoryHttp.Problem(StatusCodes.Status404NotFound, "Deployment not found", "No deployment with that id belongs to you.");
}
