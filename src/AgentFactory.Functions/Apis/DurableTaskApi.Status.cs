using System.Text.Json.Nodes;
using AgentFactory.Durable;
using Microsoft.AspNetCore.Http.Extensions;

namespace AgentFactory.Functions.Apis;

public static partial class DurableTaskApi
{
    /// <summary>Seconds a status poller should wait while the instance runs, as Durable Functions sends it.</summary>
    private const string StatusRetryAfterSeconds = "5";

    // GET /instances/{instanceId}?showHistory&showHistoryOutput&showInput&returnInternalServerErrorOnFailure
    // Status codes as Durable Functions 2.x answers them (HttpApiHandler.HandleGetStatusRequestAsync): 202 with Location
    // while Pending, Running or Suspended; 200 once Completed, Terminated or Failed — Failed answers 500 instead when
    // returnInternalServerErrorOnFailure=true; 404 when unknown.
    private static async Task<IResult> GetAsync(string instanceId, HttpContext context, DurableTaskApiCaller caller, DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var query = new DurableTaskApiQuery(context.Request.Query);
        bool showHistory = query.Bool("showHistory", false);
        bool showHistoryOutput = query.Bool("showHistoryOutput", false);
        bool showInput = query.Bool("showInput", true);
        bool failureIs500 = query.Bool("returnInternalServerErrorOnFailure", false);
        if (query.HasErrors)
        {
            return query.Problem();
        }

        if (await FindAsync(client, instanceId, caller, payloads: true, cancellationToken) is not { } instance)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }

        // As in Durable Functions, a Pending instance has no history to show yet.
        JsonArray? history = showHistory && instance.RuntimeStatus != OrchestrationRuntimeStatus.Pending
            ? DurableHistoryEvents.ToJson(await client.GetInstanceHistoryAsync(instanceId, cancellationToken), showHistoryOutput)
            : null;
        int statusCode = instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => failureIs500 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK,
            _ when instance.IsRunning => StatusCodes.Status202Accepted,
            _ => StatusCodes.Status200OK,
        };
        if (statusCode == StatusCodes.Status202Accepted)
        {
            context.Response.Headers.Location = context.Request.GetEncodedUrl();
            context.Response.Headers.RetryAfter = StatusRetryAfterSeconds;
        }

        return TypedResults.Json(DurableInstanceStatus.From(instance, showInput, history), DurableTaskApiJson.Options, statusCode: statusCode);
    }
}
