namespace AgentFactory.Functions.Hosting;

/// <summary>
/// The authorization policies every endpoint names (<c>RequireAuthorization(FactoryPolicies.Ops)</c>). An endpoint
/// that names none still needs <see cref="Factory"/>: it is the fallback policy; only <c>AllowAnonymous</c> opts out.
/// </summary>
public static class FactoryPolicies
{
    /// <summary>Any caller of the factory: role portal, automation or ops, with a tenant.</summary>
    public const string Factory = "Factory";

    /// <summary>Scripts and pipelines: role automation or ops.</summary>
    public const string Automation = "Automation";

    /// <summary>Operators: role ops. Ops of <see cref="FactoryClaims.PlatformTenant"/> may see every tenant.</summary>
    public const string Ops = "Ops";
}
