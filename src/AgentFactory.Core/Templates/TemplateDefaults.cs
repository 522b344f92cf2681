using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.Core.Templates;

/// <summary>The parts of a configuration a template proposes (resources come from <see cref="AgentTemplate.Resources"/>).</summary>
public sealed record TemplateDefaults
{
    /// <summary>The smallest tier the default configuration fits.</summary>
    public required Tier Tier { get; init; }

    /// <summary>The proposed execution mode and load.</summary>
    public required ExecutionSettings Execution { get; init; }

    /// <summary>The proposed template-specific settings.</summary>
    public required TemplateSettings Settings { get; init; }

    /// <summary>Optional capabilities switched on by default.</summary>
    public IReadOnlyList<string> OptionalCapabilities { get; init; } = [];

    /// <summary>Proposed languages.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    /// <summary>Proposed environment variables (e.g. the API agent's secret placeholder).</summary>
    public IReadOnlyList<EnvironmentVariable> Environment { get; init; } = [];
}
