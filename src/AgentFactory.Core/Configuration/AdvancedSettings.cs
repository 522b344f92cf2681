namespace AgentFactory.Core.Configuration;

/// <summary>Environment variables, dependencies and the inbound rate limit.</summary>
public sealed record AdvancedSettings
{
    /// <summary>Environment variables of the agent's container, in order.</summary>
    public IReadOnlyList<EnvironmentVariable> Environment { get; init; } = [];

    /// <summary>Packages from the dependency catalog.</summary>
    public IReadOnlyList<DependencyReference> Dependencies { get; init; } = [];

    /// <summary>How many requests per second the agent accepts (null: no limit beyond the tier's); 0 &lt; r ≤ 1000.</summary>
    public double? RateLimitPerSecond { get; init; }

    /// <summary>These settings with every secret value replaced.</summary>
    public AdvancedSettings Redacted() => this with
    {
        Environment = Environment?.Select(variable => variable?.Redacted()!).ToArray() ?? [],
    };
}
