namespace AgentFactory.Core.Dependencies;

/// <summary>A package agents may depend on, with the versions the platform has vetted (oldest first).</summary>
public sealed record PackageInfo
{
    /// <summary>The package name (NuGet id).</summary>
    public required string Name { get; init; }

    /// <summary>What the package is for.</summary>
    public required string Description { get; init; }

    /// <summary>Vetted versions, oldest first; the last one is what an unversioned reference gets.</summary>
    public required IReadOnlyList<string> Versions { get; init; }

    /// <summary>The newest vetted version.</summary>
    public string Latest => Versions[^1];
}

/// <summary>
/// Two packages that must not be used together. A null version list means "any version".
/// Most conflicts are role conflicts: the agent runtime binds one implementation per role (one CSV reader, one HTTP client).
/// </summary>
public sealed record PackageConflict
{
    /// <summary>One package.</summary>
    public required string Package { get; init; }

    /// <summary>The versions of <see cref="Package"/> concerned, or null for all.</summary>
    public IReadOnlyList<string>? Versions { get; init; }

    /// <summary>The other package.</summary>
    public required string With { get; init; }

    /// <summary>The versions of <see cref="With"/> concerned, or null for all.</summary>
    public IReadOnlyList<string>? WithVersions { get; init; }

    /// <summary>Why they conflict, for the problem message.</summary>
    public required string Reason { get; init; }
}

/// <summary>A template's need for one of several packages (e.g. the data template needs a CSV library).</summary>
public sealed record TemplateRequirement
{
    /// <summary>The template id.</summary>
    public required string TemplateId { get; init; }

    /// <summary>Any one of these packages satisfies the requirement.</summary>
    public required IReadOnlyList<string> AnyOf { get; init; }

    /// <summary>What the requirement is, e.g. "a CSV library".</summary>
    public required string Reason { get; init; }
}

/// <summary>The JSON document the dependency catalog is loaded from.</summary>
public sealed record DependencyCatalogDocument
{
    /// <summary>Packages.</summary>
    public required IReadOnlyList<PackageInfo> Packages { get; init; }

    /// <summary>Conflicting pairs.</summary>
    public IReadOnlyList<PackageConflict> Conflicts { get; init; } = [];

    /// <summary>Per-template requirements.</summary>
    public IReadOnlyList<TemplateRequirement> TemplateRequirements { get; init; } = [];
}
