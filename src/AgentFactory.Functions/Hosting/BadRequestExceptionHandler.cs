using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// A request the app could not read is the client's mistake, never a 500: a malformed JSON body, a parameter that does
/// not bind (400), a body over the size limit (413), a wrong content type (415) become ProblemDetails naming the problem.
/// Any other exception is left to the default handler (500, no details).
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string title, string detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge =>
                (tooLarge.StatusCode, "Request body too large", tooLarge.Message),
            BadHttpRequestException { InnerException: JsonException json } bad =>
                (bad.StatusCode, "Malformed JSON", $"{bad.Message} {json.Message}"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            // An endpoint that reads the body itself; a JsonException in a request without a body is the app's own fault.
            JsonException json when HasBody(httpContext.Request) =>
                (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON: " + json.Message),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
        return true;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
