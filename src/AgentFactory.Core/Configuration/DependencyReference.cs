namespace AgentFactory.Core.Configuration;

/// <summary>A package the agent depends on, by name and optionally version (latest in the catalog when omitted).</summary>
public sealed record DependencyReference
{
    /// <summary>The package name as listed in the dependency catalog (case-insensitive).</summary>
    public required string Package { get; init; }

    /// <summary>An exact version from the catalog, or null for the catalog's latest.</summary>
    public string? Version { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Version is null ? Package : $"{Package}@{Version}";
}
