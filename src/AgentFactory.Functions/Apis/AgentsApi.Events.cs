using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Apis;

/// <summary>The deployment event log from a cursor: a JSON page, or a live Server-Sent Events stream.</summary>
public static partial class AgentsApi
{
    // How long a live stream waits for an announced event before it asks the log (events another instance wrote).
    private static readonly TimeSpan StreamPoll = TimeSpan.FromMilliseconds(500);

    private static async Task<IResult> EventsAsync(HttpContext context, AgentCreationService creation, string id, long after = 0, int max = 100,
        CancellationToken cancellationToken = default)
    {
        if (after < 0 || max is < 1 or > 1000)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter", "'after' must be ≥ 0 and 'max' from 1 to 1000.");
        }

        string tenant = FactoryHttp.TenantOf(context.User);
        bool stream = context.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        if (!stream)
        {
            IReadOnlyList<DeploymentEvent>? page = await creation.ListEventsAsync(tenant, id, after, max, cancellationToken);
            return page is null ? NotFound() : FactoryHttp.Json(new { events = page, cursor = page.Count > 0 ? page[^1].Sequence : after });
        }

        // A reconnecting EventSource sends the last id it saw.
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].FirstOrDefault(), out long lastSeen) && lastSeen > after)
        {
            after = lastSeen;
        }

        // Hosts without live progress registered have no feed: a private one that nothing announces to leaves the log alone.
        DeploymentEventFeed feed = context.RequestServices.GetService<DeploymentEventFeed>() ?? new DeploymentEventFeed();
        using DeploymentEventStream? events = await DeploymentEventStream.OpenAsync(creation, feed, tenant, id, after, cancellationToken);
        if (events is null)
        {
            return NotFound();
        }

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await context.Response.Body.FlushAsync(cancellationToken);
            await foreach (DeploymentEvent e in events.ReadAllAsync(StreamPoll, cancellationToken))
            {
                await context.Response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(e, AgentFactoryJson.Options)}\n\n", cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }

        return Results.Empty;
    }
}
