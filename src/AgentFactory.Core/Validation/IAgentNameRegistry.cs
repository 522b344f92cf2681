namespace AgentFactory.Core.Validation;

/// <summary>Which agent names a tenant already uses. The app implements it on Table storage (the <c>Agents</c> table).</summary>
public interface IAgentNameRegistry
{
    /// <summary>True when <paramref name="name"/> is taken in <paramref name="tenantId"/>.</summary>
    Task<bool> IsTakenAsync(string tenantId, string name, CancellationToken cancellationToken = default);
}
