namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>Sandbox test runs before deployment: a one-off cost, at the agent's configured size.</summary>
/// <param name="Runs">How many sandbox runs.</param>
/// <param name="DurationPerRun">How long each runs (start-up overhead is added, as for on-demand runs).</param>
public sealed record SandboxPlan(int Runs, TimeSpan DurationPerRun)
{
    /// <summary>No sandbox runs.</summary>
    public static SandboxPlan None { get; } = new(0, TimeSpan.Zero);
}
