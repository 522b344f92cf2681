using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFactory.Functions.Hosting;

/// <summary>Who the factory takes the caller to be.</summary>
public sealed record WhoAmI(string Tenant, IReadOnlyList<string> Roles, string Scheme, string? Id);

/// <summary><c>GET /api/whoami</c>: the caller's tenant and roles, to check a key or a token.</summary>
public static class WhoAmIApi
{
    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/whoami", GetWhoAmI).RequireAuthorization(FactoryPolicies.Factory).WithName("WhoAmI");
        return app;
    }

    private static Ok<WhoAmI> GetWhoAmI(ClaimsPrincipal user) => TypedResults.Ok(new WhoAmI(
        user.GetTenant() ?? "",
        [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)],
        user.Identity?.AuthenticationType ?? "",
        user.FindFirst(ClaimTypes.NameIdentifier)?.Value));
}
