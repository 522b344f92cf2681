using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace AgentFactory.Functions.Apis;

/// <summary>The 202 check-status response; <see cref="Payload"/> is its body.</summary>
public sealed class CheckStatusResult(HttpManagementPayload payload)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<HttpManagementPayload>, IEndpointMetadataProvider
{
    /// <summary>Seconds a poller should wait, as Durable Functions sends it.</summary>
    public const int RetryAfterSeconds = 10;

    public HttpManagementPayload Payload { get; } = payload;

    public int StatusCode => StatusCodes.Status202Accepted;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    HttpManagementPayload? IValueHttpResult<HttpManagementPayload>.Value => Payload;

    object? IValueHttpResult.Value => Payload;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.Headers.Location = Payload.StatusQueryGetUri;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return httpContext.Response.WriteAsJsonAsync(Payload, DurableTaskApiJson.Options, httpContext.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(HttpManagementPayload), ["application/json"]));
}
