using System.Globalization;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Fills in what a person needs to act on for responses that carry only a status code: an unknown route (404),
/// a wrong method (405), a body over the limit (413, which Kestrel sets while the endpoint reads the body).
/// </summary>
public static class FactoryProblemDetails
{
    public static void Customize(ProblemDetailsContext context)
    {
        HttpRequest request = context.HttpContext.Request;
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"There is nothing at {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
            StatusCodes.Status413PayloadTooLarge => string.Format(CultureInfo.InvariantCulture,
                "The request body is larger than the limit of {0} bytes.", FactoryHost.MaxRequestBodyBytes),
            _ => null,
        };
    }
}
