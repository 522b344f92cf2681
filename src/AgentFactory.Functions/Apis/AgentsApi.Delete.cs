using AgentFactory.Functions.Orchestration.Cleanup;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// <c>DELETE /agents/{id}</c>: deletes a deployed agent — 202 with <c>Location</c> = its status, where the deletion and
/// its clean-up list show (<c>cleanup</c>). Deleting again is the same deletion: 202 again, with the same final state.
/// 409 while the deployment is still in its wizard (cancel it instead) or when it ended without an agent; 404 for an
/// unknown id or another tenant's. Same roles as creating.
/// </summary>
public static partial class AgentsApi
{
    private static async Task<IResult> DeleteAsync(HttpContext context, AgentCleanupService cleanup, string id, CancellationToken cancellationToken)
    {
        DeleteResult result = await cleanup.DeleteAsync(FactoryHttp.TenantOf(context.User), id, cancellationToken);
        string location = $"{FactoryHttp.Prefix}/agents/{id}/status";
        return result.Outcome switch
        {
            DeleteOutcome.Accepted => TypedResults.Accepted(location, new { deploymentId = id, deleting = true, statusUri = location }),
            DeleteOutcome.Conflict => FactoryHttp.Problem(StatusCodes.Status409Conflict, "Not a deployed agent", result.Reason ?? ""),
            _ => NotFound(),
        };
    }
}
