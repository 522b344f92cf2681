namespace AgentFactory.Core.Validation;

/// <summary>Whose agent, and where it will run: what name uniqueness and capacity are checked against.</summary>
/// <param name="TenantId">The tenant that owns the agent.</param>
/// <param name="Region">The Azure region (e.g. <c>eastus</c>), or <c>local</c> for the local runtime.</param>
public sealed record ValidationTarget(string TenantId, string Region);
