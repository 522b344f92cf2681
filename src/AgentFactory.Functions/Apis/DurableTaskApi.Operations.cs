using AgentFactory.Durable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AgentFactory.Functions.Apis;

public static partial class DurableTaskApi
{
    // POST /instances/{instanceId}/raiseEvent/{eventName} — body: the event's data (JSON). Checks in Durable Functions'
    // order: 404 unknown, 410 finished, then 400 for a body that is not application/json or not valid JSON.
    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpRequest request, DurableTaskApiCaller caller,
        DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        return await OnRunningInstanceAsync(client, instanceId, caller, loggers, "raise event", async _ =>
        {
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type)
                || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return DurableTaskApiProblems.InvalidParameter("Content-Type", $"The event data must be sent as application/json; got '{request.ContentType}'.");
            }

            JsonBody data = await JsonBody.ReadAsync(request, cancellationToken);
            if (!data.IsValid)
            {
                return DurableTaskApiProblems.InvalidParameter("body", data.Error!);
            }

            try
            {
                await client.RaiseEventAsync(instanceId, eventName, data.Payload, cancellationToken);
            }
            catch (PayloadTooLargeException ex)
            {
                return DurableTaskApiProblems.InvalidParameter("body", ex.Message);
            }

            return null;
        }, cancellationToken);
    }

    // POST /instances/{instanceId}/terminate?reason= — 202, 404, 410. The reason becomes the output, as in Durable Functions.
    // The hooks run first (an agent creation's clean-up is scheduled there), so what follows a terminate survives a crash.
    private static Task<IResult> TerminateAsync(string instanceId, string? reason, DurableTaskApiCaller caller, DurableTaskClient client,
        [FromServices] IEnumerable<IDurableTerminationHook> hooks, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        OnRunningInstanceAsync(client, instanceId, caller, loggers, "terminate", async instance =>
        {
            foreach (IDurableTerminationHook hook in hooks)
            {
                await hook.BeforeTerminateAsync(instance, reason, cancellationToken);
            }

            await client.TerminateInstanceAsync(instanceId, reason, output: reason, cancellationToken);
            return null;
        }, cancellationToken);

    // POST /instances/{instanceId}/suspend?reason= — 202, 404, 410.
    private static Task<IResult> SuspendAsync(string instanceId, string? reason, DurableTaskApiCaller caller, DurableTaskClient client,
        ILoggerFactory loggers, CancellationToken cancellationToken) =>
        OnRunningInstanceAsync(client, instanceId, caller, loggers, "suspend",
            _ => Done(client.SuspendInstanceAsync(instanceId, reason, cancellationToken)), cancellationToken);

    // POST /instances/{instanceId}/resume?reason= — 202, 404, 410.
    private static Task<IResult> ResumeAsync(string instanceId, string? reason, DurableTaskApiCaller caller, DurableTaskClient client,
        ILoggerFactory loggers, CancellationToken cancellationToken) =>
        OnRunningInstanceAsync(client, instanceId, caller, loggers, "resume",
            _ => Done(client.ResumeInstanceAsync(instanceId, reason, cancellationToken)), cancellationToken);

    // POST /instances/{instanceId}/restart?restartWithNewInstanceId= (default true, as Durable Functions) — 202 and the
    // management payload of the restarted instance; 404 unknown; 409 when the same id is asked for while it still runs.
    private static async Task<IResult> RestartAsync(string instanceId, HttpRequest request, DurableTaskApiCaller caller, DurableTaskClient client,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var query = new DurableTaskApiQuery(request.Query);
        bool newId = query.Bool("restartWithNewInstanceId", true);
        if (query.HasErrors)
        {
            return query.Problem();
        }

        if (await FindAsync(client, instanceId, caller, payloads: false, cancellationToken) is null)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }

        string restarted;
        try
        {
            // The restart keeps the instance's tags, so it stays with its tenant.
            restarted = await client.RestartAsync(instanceId, newId, cancellationToken);
        }
        catch (OrchestrationNotFoundException)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return DurableTaskApiProblems.Conflict(instanceId);
        }

        loggers.DurableTaskApiLogger().Restarted(caller.Tenant, instanceId, restarted);
        return DurableHttpResponses.CheckStatus(request, restarted);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a visible, unfinished instance and answers 202 (or the operation's own answer);
    /// 404 when the instance is unknown or another tenant's, 410 when it has finished — also when it finishes meanwhile.
    /// </summary>
    private static async Task<IResult> OnRunningInstanceAsync(DurableTaskClient client, string instanceId, DurableTaskApiCaller caller,
        ILoggerFactory loggers, string what, Func<OrchestrationMetadata, Task<IResult?>> operation, CancellationToken cancellationToken)
    {
        if (await FindAsync(client, instanceId, caller, payloads: false, cancellationToken) is not { } instance)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }

        if (instance.IsCompleted)
        {
            return DurableTaskApiProblems.Gone(instanceId, instance.RuntimeStatus);
        }

        try
        {
            if (await operation(instance) is { } refused)
            {
                return refused;
            }
        }
        catch (OrchestrationNotFoundException)
        {
            return DurableTaskApiProblems.NotFound(instanceId);
        }
        catch (OrchestrationStateException)
        {
            OrchestrationMetadata? now = await client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken);
            return now is null ? DurableTaskApiProblems.NotFound(instanceId) : DurableTaskApiProblems.Gone(instanceId, now.RuntimeStatus);
        }

        loggers.DurableTaskApiLogger().Operation(caller.Tenant, what, instanceId);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult?> Done(Task operation)
    {
        await operation;
        return null;
    }
}
