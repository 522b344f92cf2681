using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

public static partial class DurableTaskApi
{
    // POST /orchestrators/{functionName}/{instanceId?} — body: the input (any JSON, optional).
    private static async Task<IResult> StartAsync(string functionName, string? instanceId, HttpRequest request,
        DurableTaskApiCaller caller, DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonBody input = await JsonBody.ReadAsync(request, cancellationToken);
        if (!input.IsValid)
        {
            return DurableTaskApiProblems.InvalidParameter("body", input.Error!);
        }

        if (instanceId is not null && !IsValidInstanceId(instanceId))
        {
            return DurableTaskApiProblems.InvalidParameter(nameof(instanceId),
                $"Instance id '{instanceId}' is invalid: use 1 to 256 characters without '/', '\\', '#', '?' or control characters.");
        }

        // Ids are one namespace for all tenants: an id held by another tenant's instance is refused even when that
        // instance has finished, which would otherwise be replaced (and lost to its owner).
        if (instanceId is not null && await client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken) is { } existing
            && !caller.CanSee(existing))
        {
            return DurableTaskApiProblems.Conflict(instanceId);
        }

        string id;
        try
        {
            id = await client.ScheduleNewOrchestrationInstanceAsync(functionName, input.Payload,
                new StartOrchestrationOptions { InstanceId = instanceId, Tags = caller.Tags }, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return DurableTaskApiProblems.Conflict(instanceId!);
        }
        catch (PayloadTooLargeException ex)
        {
            return DurableTaskApiProblems.InvalidParameter("body", ex.Message);
        }
        catch (ArgumentException ex) when (ex.ParamName == nameof(instanceId))
        {
            return DurableTaskApiProblems.InvalidParameter(nameof(instanceId), ex.Message);
        }

        loggers.DurableTaskApiLogger().Started(caller.Tenant, functionName, id);
        return DurableHttpResponses.CheckStatus(request, id);
    }
}
