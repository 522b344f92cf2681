using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// The API's error answers as RFC 7807 ProblemDetails. The "not found" answer depends on nothing but the id asked
/// for, so an instance of another tenant is answered byte for byte like one that does not exist.
/// </summary>
internal static class DurableTaskApiProblems
{
    public static IResult NotFound(string instanceId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Instance not found",
        detail: $"No orchestration instance with id '{instanceId}' exists.");

    public static IResult Gone(string instanceId, OrchestrationRuntimeStatus status) => TypedResults.Problem(
        statusCode: StatusCodes.Status410Gone,
        title: "Instance has finished",
        detail: $"Orchestration instance '{instanceId}' is {status}; it can no longer receive events, be terminated, suspended or resumed.");

    public static IResult Conflict(string instanceId) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Instance id in use",
        detail: $"Instance id '{instanceId}' belongs to an instance that is still running or that this caller may not replace; "
            + "choose another id or let the service choose one.");

    public static IResult NotFinished(string instanceId, OrchestrationRuntimeStatus status) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Instance still running",
        detail: $"Only finished instances can be purged; orchestration instance '{instanceId}' is {status}. Terminate it first.");

    public static IResult NoneToPurge() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Nothing to purge",
        detail: "No finished orchestration instance matches the filter.");

    public static IResult InvalidParameters(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        title: "Invalid request",
        detail: string.Join(" ", errors.Values.SelectMany(m => m)));

    public static IResult InvalidParameter(string parameter, string message) =>
        InvalidParameters(new Dictionary<string, string[]> { [parameter] = [message] });

    public static IResult NoTenant() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "No tenant",
        detail: $"The caller's identity has no '{DurableTaskApiSecurity.TenantClaim}' claim, so no instance can be shown or started for it.");

    public static IResult RewindNotSupported() => TypedResults.Problem(
        statusCode: StatusCodes.Status501NotImplemented,
        title: "Rewind is not supported",
        detail: "This engine cannot rewind a failed instance; restart it instead (POST .../restart).");
}
