using System.Security.Claims;

namespace AgentFactory.Functions.Hosting;

/// <summary>The claims the factory reads from its callers, whichever way they signed in (function key or Entra ID token).</summary>
public static class FactoryClaims
{
    /// <summary>The caller's tenant: every agent and orchestration belongs to one, and callers see only their own.</summary>
    public const string Tenant = "tenant";

    /// <summary>The tenant of the factory's operators: its ops callers may see every tenant.</summary>
    public const string PlatformTenant = "platform";

    /// <summary>The caller's tenant, or null for a caller without one (anonymous).</summary>
    public static string? GetTenant(this ClaimsPrincipal user) => user.FindFirst(Tenant)?.Value;

    /// <summary>Whether the caller may see the agents and orchestrations of <paramref name="tenant"/>.</summary>
    public static bool CanSeeTenant(this ClaimsPrincipal user, string tenant) =>
        string.Equals(user.GetTenant(), tenant, StringComparison.Ordinal)
        || (user.IsInRole(FactoryRoles.Ops) && string.Equals(user.GetTenant(), PlatformTenant, StringComparison.Ordinal));
}
