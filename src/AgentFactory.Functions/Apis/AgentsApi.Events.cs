using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Apis;

/// <summary>The deployment event log from a cursor: a JSON page, or a live Server-Sent Events stream.</summary>
public static partial class AgentsApi
{
    // How often a live stream looks for new events; the WebSocket/Web PubSub push replaces polling for live clients.
    private static readonly TimeSpan StreamPoll = TimeSpan.FromMilliseconds(500);

    private static async Task<IResult> EventsAsync(HttpContext context, AgentCreationService creation, string id, long after = 0, int max = 100,
        CancellationToken cancellationToken = default)
    {
        if (after < 0 || max is < 1 or > 1000)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter", "'after' must be ≥ 0 and 'max' from 1 to 1000.");
        }

        string tenant = FactoryHttp.TenantOf(context.User);
        IReadOnlyList<DeploymentEvent>? page = await creation.ListEventsAsync(tenant, id, after, max, cancellationToken);
        if (page is null)
        {
            return NotFound();
        }

        bool stream = context.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        if (!stream)
        {
            return FactoryHttp.Json(new { events = page, cursor = page.Count > 0 ? page[^1].Sequence : after });
        }

        // A reconnecting EventSource sends the last id it saw.
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].FirstOrDefault(), out long lastSeen) && lastSeen > after)
        {
            after = lastSeen;
            page = await creation.ListEventsAsync(tenant, id, after, max, cancellationToken) ?? [];
        }

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (DeploymentEvent e in page)
            {
                await context.Response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(e, AgentFactoryJson.Options)}\n\n", cancellationToken);
                after = e.Sequence;
            }

            await context.Response.Body.FlushAsync(cancellationToken);
            if (page.Count == 0 && await creation.GetStatusAsync(tenant, id, cancellationToken) is { } view && IsFinished(view.Status))
            {
                break;
            }

            try
            {
                await Task.Delay(StreamPoll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            page = await creation.ListEventsAsync(tenant, id, after, max, cancellationToken) ?? [];
        }

        return Results.Empty;
    }

    private static bool IsFinished(DeploymentStatus status) =>
        status is DeploymentStatus.Succeeded or DeploymentStatus.Failed or DeploymentStatus.Cancelled or DeploymentStatus.Expired;
}
