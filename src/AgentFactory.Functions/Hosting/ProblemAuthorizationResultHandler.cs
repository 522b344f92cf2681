using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Challenges and forbids as usual (a bearer challenge keeps its <c>WWW-Authenticate</c> header), then writes an
/// RFC 7807 body saying what the caller must send (401) or which role the endpoint needs (403).
/// </summary>
internal sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    public const string MissingCallerMessage = "This needs a caller: send a function key in the x-functions-key header or the code "
        + "query parameter, or an Entra ID bearer token in the Authorization header.";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (authorizeResult.Succeeded || context.Response.HasStarted)
        {
            return;
        }

        string? detail = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => await DescribeChallengeAsync(context),
            StatusCodes.Status403Forbidden => DescribeForbidden(context.User, authorizeResult.AuthorizationFailure),
            _ => null,
        };
        if (detail is not null)
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = context.Response.StatusCode, Detail = detail },
            });
        }
    }

    // The middleware keeps only successful results; asking again returns the handler's result for this request
    // (handlers cache it), so the key is not looked up twice.
    private static async Task<string> DescribeChallengeAsync(HttpContext context) =>
        (await context.AuthenticateAsync()).Failure is { } failure ? EntraTokens.Describe(failure) : MissingCallerMessage;

    private static string DescribeForbidden(ClaimsPrincipal user, AuthorizationFailure? failure)
    {
        string[] roles = [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)];
        string has = roles.Length == 0 ? "no factory role" : "role " + string.Join(", ", roles);
        foreach (IAuthorizationRequirement requirement in failure?.FailedRequirements ?? [])
        {
            switch (requirement)
            {
                case RolesAuthorizationRequirement needed:
                    return $"This needs role {string.Join(" or ", needed.AllowedRoles)}; the caller has {has}.";
                case ClaimsAuthorizationRequirement { ClaimType: FactoryClaims.Tenant }:
                    return "This needs a caller that belongs to a tenant; the caller has none.";
            }
        }

        return "The caller may not do this.";
    }
}
