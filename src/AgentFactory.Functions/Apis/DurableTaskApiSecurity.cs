namespace AgentFactory.Functions.Apis;

/// <summary>
/// The names this API shares with the authentication layer: the policy it requires, the claims it reads and the tag
/// that records an instance's tenant. The strings are the contract; the hosting layer registers the policies.
/// </summary>
internal static class DurableTaskApiSecurity
{
    /// <summary>Policy on every management route: role automation or ops.</summary>
    public const string AutomationPolicy = Hosting.FactoryPolicies.Automation;

    /// <summary>Claim that names the caller's tenant.</summary>
    public const string TenantClaim = Hosting.FactoryClaims.Tenant;

    /// <summary>The operator's own tenant; its ops role sees every tenant's instances.</summary>
    public const string PlatformTenant = Hosting.FactoryClaims.PlatformTenant;

    /// <summary>Role value (of <see cref="System.Security.Claims.ClaimTypes.Role"/>) of operators.</summary>
    public const string OpsRole = Hosting.FactoryRoles.Ops;

    /// <summary>Instance tag (<see cref="AgentFactory.Durable.OrchestrationMetadata.Tags"/>) naming the tenant that owns it.</summary>
    public const string TenantTag = "tenant";
}
