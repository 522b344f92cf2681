namespace AgentFactory.Functions.Hosting;

/// <summary>The roles a caller can have (claim <see cref="System.Security.Claims.ClaimTypes.Role"/>).</summary>
public static class FactoryRoles
{
    /// <summary>The wizard in the portal, acting for a person.</summary>
    public const string Portal = "portal";

    /// <summary>A script or pipeline that creates agents without a person.</summary>
    public const string Automation = "automation";

    /// <summary>An operator of the factory.</summary>
    public const string Ops = "ops";

    /// <summary>Every role, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Portal, Automation, Ops];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (exact, lowercase).</summary>
    public static bool IsKnown(string? role) => role is Portal or Automation or Ops;
}
