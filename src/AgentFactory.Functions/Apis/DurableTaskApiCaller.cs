using System.Security.Claims;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Whose instances a caller may see: its own tenant's (the <c>tenant</c> tag), or every tenant's for the platform's ops.
/// An instance the caller may not see is answered exactly as one that does not exist.
/// </summary>
internal sealed record DurableTaskApiCaller(string Tenant, bool SeesAllTenants)
{
    /// <summary>The caller of the request (minimal API binding). Tenant is empty when the claim is missing; a filter refuses that.</summary>
    public static ValueTask<DurableTaskApiCaller?> BindAsync(HttpContext context) => ValueTask.FromResult<DurableTaskApiCaller?>(Of(context.User));

    public static DurableTaskApiCaller Of(ClaimsPrincipal user)
    {
        string tenant = user.FindFirst(DurableTaskApiSecurity.TenantClaim)?.Value ?? "";
        return new(tenant, tenant == DurableTaskApiSecurity.PlatformTenant && user.IsInRole(DurableTaskApiSecurity.OpsRole));
    }

    /// <summary>Tags for an instance this caller starts.</summary>
    public IReadOnlyDictionary<string, string> Tags => new Dictionary<string, string> { [DurableTaskApiSecurity.TenantTag] = Tenant };

    public bool CanSee(OrchestrationMetadata instance) =>
        SeesAllTenants
        || (instance.Tags is not null
            && instance.Tags.TryGetValue(DurableTaskApiSecurity.TenantTag, out string? owner)
            && string.Equals(owner, Tenant, StringComparison.Ordinal));
}
