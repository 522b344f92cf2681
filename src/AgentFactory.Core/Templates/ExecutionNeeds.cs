namespace AgentFactory.Core.Templates;

/// <summary>What the sandbox and the container must allow for a template's agent.</summary>
public sealed record ExecutionNeeds
{
    /// <summary>
    /// True when the agent needs outbound network access (API calls, health checks). Without it the
    /// sandbox runs the agent with no network at all.
    /// </summary>
    public required bool NetworkAccess { get; init; }
}
