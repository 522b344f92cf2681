using System.Text.Json.Serialization;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

public static partial class DurableTaskApi
{
    // DELETE /instances/{instanceId} — 200 {instancesDeleted: 1}, 404 unknown, 412 still running (as Durable Functions).
    private static async Task<IResult> PurgeAsync(string instanceId, DurableTaskApiCaller caller, DurableTaskClient client, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(client, instanceId, caller, payloads: false, cancellationToken) is not { } instance)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }

        if (instance.IsRunning)
        {
            return DurableTaskApiProblems.NotFinished(instanceId, instance.RuntimeStatus);
        }

        PurgeResult result;
        try
        {
            result = await client.PurgeInstanceAsync(instanceId, cancellationToken);
        }
        catch (OrchestrationStateException)
        {
            // Restarted between the check and the purge.
            return DurableTaskApiProblems.NotFinished(instanceId, OrchestrationRuntimeStatus.Pending);
        }

        if (result.PurgedInstanceCount == 0)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }

        loggers.DurableTaskApiLogger().Operation(caller.Tenant, "purge", instanceId);
        return TypedResults.Json(new PurgeHistoryPayload(result.PurgedInstanceCount), DurableTaskApiJson.Options);
    }

    // DELETE /instances?createdTimeFrom (required)&createdTimeTo (default now)&runtimeStatus — 200 {instancesDeleted: n}, 404 when none.
    private static async Task<IResult> PurgeByFilterAsync(HttpContext context, DurableTaskApiCaller caller, DurableTaskClient client,
        TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var query = new DurableTaskApiQuery(context.Request.Query);
        OrchestrationQuery? filter = ReadFilter(query, defaultCreatedTo: time.GetUtcNow().UtcDateTime);
        if (filter is not null && filter.CreatedFrom is null)
        {
            query.Fail("createdTimeFrom", "'createdTimeFrom' is required: give the earliest creation time of the instances to purge.");
        }

        if (query.HasErrors || filter is null)
        {
            return query.Problem();
        }

        int purged = filter.Statuses is { Count: 0 } ? 0
            : caller.SeesAllTenants
                ? (await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(filter.CreatedFrom, filter.CreatedTo, filter.Statuses), cancellationToken))
                    .PurgedInstanceCount
                : await PurgeOwnAsync(client, filter, caller, cancellationToken);
        if (purged == 0)
        {
            return DurableTaskApiProblems.NoneToPurge();
        }

        loggers.DurableTaskApiLogger().PurgedByFilter(caller.Tenant, purged);
        return TypedResults.Json(new PurgeHistoryPayload(purged), DurableTaskApiJson.Options);
    }

    // The engine's bulk purge knows no tenants: a tenant's purge finds its own finished instances and purges them one by one.
    private static async Task<int> PurgeOwnAsync(DurableTaskClient client, OrchestrationQuery filter, DurableTaskApiCaller caller,
        CancellationToken cancellationToken)
    {
        OrchestrationRuntimeStatus[] terminal = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        IReadOnlyCollection<OrchestrationRuntimeStatus> statuses = filter.Statuses is null ? terminal : [.. filter.Statuses.Intersect(terminal)];
        if (statuses.Count == 0)
        {
            return 0;
        }

        // Collected first: purging while paging would move the pages under the reader.
        var ids = new List<string>();
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(filter with { Statuses = statuses, PageSize = OrchestrationQuery.MaxPageSize })
            .WithCancellation(cancellationToken))
        {
            if (caller.CanSee(instance))
            {
                ids.Add(instance.InstanceId);
            }
        }

        int purged = 0;
        foreach (string id in ids)
        {
            try
            {
                purged += (await client.PurgeInstanceAsync(id, cancellationToken)).PurgedInstanceCount;
            }
            catch (OrchestrationStateException)
            {
                // Restarted since it was listed: no longer finished, so not purged.
            }
        }

        return purged;
    }
}

/// <summary>The body of a purge: how many instances were deleted.</summary>
public sealed record PurgeHistoryPayload([property: JsonPropertyName("instancesDeleted")] int InstancesDeleted);
