using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Templates;

/// <summary>
/// A template an agent is created from. Templates are data (embedded JSON, see <see cref="TemplateCatalog"/>);
/// each (Id, Version) pair is immutable once shipped: a change ships as a new version.
/// </summary>
public sealed record AgentTemplate
{
    /// <summary>Stable id, e.g. <c>tmpl-memory</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Version, from 1; a wizard pins the version it started with.</summary>
    public required int Version { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>What the agent does.</summary>
    public required string Description { get; init; }

    /// <summary>Category, also the kind of settings the configuration carries.</summary>
    public required TemplateCategory Category { get; init; }

    /// <summary>An icon name (Lucide icon set) for the template card.</summary>
    public required string Icon { get; init; }

    /// <summary>Complexity shown on the card and used for filtering.</summary>
    public required TemplateComplexity Complexity { get; init; }

    /// <summary>Typical minutes from choosing the template to a deployed agent.</summary>
    public required int EstimatedMinutes { get; init; }

    /// <summary>The proposed configuration.</summary>
    public required TemplateDefaults DefaultConfiguration { get; init; }

    /// <summary>Capabilities every agent of this template has.</summary>
    public required IReadOnlyList<string> RequiredCapabilities { get; init; }

    /// <summary>Capabilities a user may add.</summary>
    public required IReadOnlyList<string> OptionalCapabilities { get; init; }

    /// <summary>Packages the template proposes (from the dependency catalog).</summary>
    public required IReadOnlyList<DependencyReference> Dependencies { get; init; }

    /// <summary>Minimum and default resources.</summary>
    public required ResourceRequirements Resources { get; init; }

    /// <summary>What the agent needs from its sandbox/container (network or not).</summary>
    public required ExecutionNeeds Execution { get; init; }

    /// <summary>Sandbox test tasks that prove the capabilities.</summary>
    public required IReadOnlyList<SandboxTestTask> TestTasks { get; init; }

    /// <summary>True when <paramref name="capability"/> is one of the template's required or optional capabilities.</summary>
    public bool Knows(string capability) =>
        RequiredCapabilities.Contains(capability, StringComparer.Ordinal) || OptionalCapabilities.Contains(capability, StringComparer.Ordinal);

    /// <summary>The configuration the wizard proposes for this template, under <paramref name="name"/>.</summary>
    public AgentConfiguration CreateDefaultConfiguration(string name) => new()
    {
        TemplateId = Id,
        TemplateVersion = Version,
        Name = name,
        Description = Description.Length <= 200 ? Description : Description[..200],
        Tier = DefaultConfiguration.Tier,
        Capabilities = new CapabilitySelection { Selected = [.. RequiredCapabilities, .. DefaultConfiguration.OptionalCapabilities] },
        Specializations = new Specializations { Languages = DefaultConfiguration.Languages },
        Resources = Resources.Default,
        Settings = DefaultConfiguration.Settings,
        Advanced = new AdvancedSettings { Environment = DefaultConfiguration.Environment, Dependencies = Dependencies },
        Execution = DefaultConfiguration.Execution,
    };
}
