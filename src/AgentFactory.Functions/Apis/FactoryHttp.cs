using System.Security.Claims;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Functions.Hosting;

namespace AgentFactory.Functions.Apis;

/// <summary>Small pieces every factory route shares: the caller's tenant, JSON in and out, ProblemDetails.</summary>
internal static class FactoryHttp
{
    public const string Prefix = "/api/platform/factory";

    /// <summary>Requests larger than this are refused before they are parsed (a configuration is far smaller).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static string TenantOf(ClaimsPrincipal user) =>
        user.FindFirst(FactoryClaims.Tenant)?.Value is { Length: > 0 } tenant ? tenant : throw new InvalidOperationException("An authenticated caller has no tenant claim.");

    /// <summary>Domain objects leave in the domain's JSON shape (camelCase, enums as strings).</summary>
    public static IResult Json(object value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, AgentFactoryJson.Options, statusCode: statusCode);

    /// <summary>The request body as JSON, or a ProblemDetails saying why it is not.</summary>
    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The body may be at most {MaxBodyBytes:N0} bytes."));
        }

        try
        {
            return (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken), null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
