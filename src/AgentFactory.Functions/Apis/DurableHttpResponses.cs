using System.Text;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Durable Functions' <c>CreateCheckStatusResponse</c>: 202 Accepted, <c>Location</c> = the status URI, <c>Retry-After: 10</c>,
/// and the management payload as the body. Used by the start and restart routes and by any route that starts an orchestration.
/// </summary>
public static class DurableHttpResponses
{
    /// <summary>Path of the management API, below the application's path base.</summary>
    public const string BasePath = "/runtime/webhooks/durabletask";

    /// <summary>
    /// The same API below the Functions route prefix. Behind the Functions host <c>/runtime/</c> is the host's own
    /// (no function route may start with it), so there the API is reached here and links point here.
    /// </summary>
    public const string FunctionsBasePath = "/api/durabletask";

    /// <summary>Where links point: <see cref="FunctionsBasePath"/> when the Functions host runs the app (it sets FUNCTIONS_CUSTOMHANDLER_PORT), else <see cref="BasePath"/>.</summary>
    public static string LinkBasePath(HttpRequest request) =>
        request.HttpContext.RequestServices?.GetService<IConfiguration>()?["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } ? FunctionsBasePath : BasePath;

    // Durable Functions links carry its own routing and key parameters (taskHub, connection, code); a caller's values are
    // passed on so that a link works with the same credentials as the request that produced it.
    private static readonly string[] ForwardedQueryParameters = ["taskHub", "connection", "code"];

    /// <summary>The 202 check-status response for <paramref name="instanceId"/>, built from <paramref name="request"/>'s scheme and host.</summary>
    /// <param name="request">The request being answered: its scheme, host, path base and <c>taskHub</c>/<c>connection</c>/<c>code</c> parameters.</param>
    /// <param name="instanceId">The instance the links manage.</param>
    /// <param name="returnInternalServerErrorOnFailure">Makes the status URI answer 500 instead of 200 once the instance has failed.</param>
    public static CheckStatusResult CheckStatus(HttpRequest request, string instanceId, bool returnInternalServerErrorOnFailure = false) =>
        new(CreateHttpManagementPayload(request, instanceId, returnInternalServerErrorOnFailure));

    /// <summary>The management links for <paramref name="instanceId"/> (Durable Functions' <c>CreateHttpManagementPayload</c>).</summary>
    public static HttpManagementPayload CreateHttpManagementPayload(HttpRequest request, string instanceId, bool returnInternalServerErrorOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        string instance = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{LinkBasePath(request)}/instances/{Uri.EscapeDataString(instanceId)}";
        string suffix = QuerySuffix(request);
        string withReason = "?reason={text}" + (suffix.Length == 0 ? "" : "&" + suffix);
        string plain = suffix.Length == 0 ? "" : "?" + suffix;
        string status = instance + plain;
        if (returnInternalServerErrorOnFailure)
        {
            status += (plain.Length == 0 ? "?" : "&") + "returnInternalServerErrorOnFailure=true";
        }

        return new HttpManagementPayload(
            instanceId,
            StatusQueryGetUri: status,
            SendEventPostUri: instance + "/raiseEvent/{eventName}" + plain,
            TerminatePostUri: instance + "/terminate" + withReason,
            PurgeHistoryDeleteUri: instance + plain,
            RestartPostUri: instance + "/restart" + plain,
            SuspendPostUri: instance + "/suspend" + withReason,
            ResumePostUri: instance + "/resume" + withReason);
    }

    private static string QuerySuffix(HttpRequest request)
    {
        var suffix = new StringBuilder();
        foreach (string name in ForwardedQueryParameters)
        {
            if (request.Query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()))
            {
                suffix.Append(suffix.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(values[0]!));
            }
        }

        return suffix.ToString();
    }
}
