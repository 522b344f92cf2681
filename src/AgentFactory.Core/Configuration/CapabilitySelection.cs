namespace AgentFactory.Core.Configuration;

/// <summary>The capabilities an agent has: the template's required ones, chosen optional ones, and custom ones.</summary>
public sealed record CapabilitySelection
{
    /// <summary>Template capabilities: every required one plus the chosen optional ones.</summary>
    public IReadOnlyList<string> Selected { get; init; } = [];

    /// <summary>Custom capability names the agent declares beyond the template's (snake_case).</summary>
    public IReadOnlyList<string> Custom { get; init; } = [];
}
