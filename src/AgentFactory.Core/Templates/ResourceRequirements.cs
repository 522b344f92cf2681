using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Templates;

/// <summary>The minimum a template's agent needs, and the size the wizard proposes.</summary>
public sealed record ResourceRequirements
{
    /// <summary>Below this the template's test tasks are not expected to pass.</summary>
    public required ResourceSelection Minimum { get; init; }

    /// <summary>The proposed size (at least <see cref="Minimum"/> in every dimension).</summary>
    public required ResourceSelection Default { get; init; }
}
