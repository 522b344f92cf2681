namespace AgentFactory.Core.Dependencies;

/// <summary>
/// The packages agents may depend on, which pairs conflict, and what each template requires.
/// Data (embedded <c>Dependencies/dependencies.json</c>), checked when loaded.
/// </summary>
public sealed class DependencyCatalog
{
    private const string ResourceName = "AgentFactory.Core.Dependencies.dependencies.json";
    private readonly Dictionary<string, PackageInfo> packages;

    private DependencyCatalog(DependencyCatalogDocument document)
    {
        packages = document.Packages.ToDictionary(package => package.Name, StringComparer.OrdinalIgnoreCase);
        Conflicts = document.Conflicts;
        TemplateRequirements = document.TemplateRequirements;
    }

    /// <summary>Every package, by name.</summary>
    public IReadOnlyCollection<PackageInfo> Packages => packages.Values;

    /// <summary>Conflicting pairs.</summary>
    public IReadOnlyList<PackageConflict> Conflicts { get; }

    /// <summary>Per-template requirements.</summary>
    public IReadOnlyList<TemplateRequirement> TemplateRequirements { get; }

    /// <summary>Loads and checks the embedded catalog.</summary>
    /// <exception cref="CatalogException">The embedded data is inconsistent (a build defect).</exception>
    public static DependencyCatalog LoadEmbedded() => Create(EmbeddedData.Read<DependencyCatalogDocument>(ResourceName));

    /// <summary>Checks <paramref name="document"/> and builds a catalog from it.</summary>
    /// <exception cref="CatalogException">The document is inconsistent; the exception lists every problem.</exception>
    public static DependencyCatalog Create(DependencyCatalogDocument document)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in document.Packages)
        {
            if (!names.Add(package.Name))
            {
                problems.Add($"Package '{package.Name}' is listed twice.");
            }

            if (package.Versions.Count == 0 || package.Versions.Distinct(StringComparer.Ordinal).Count() != package.Versions.Count)
            {
                problems.Add($"Package '{package.Name}' needs one or more distinct versions.");
            }
        }

        var catalog = new DependencyCatalog(document with { Packages = document.Packages.DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList() });
        foreach (var conflict in document.Conflicts)
        {
            CheckReference(catalog, conflict.Package, conflict.Versions, problems);
            CheckReference(catalog, conflict.With, conflict.WithVersions, problems);
        }

        foreach (var requirement in document.TemplateRequirements)
        {
            foreach (var name in requirement.AnyOf.Where(name => catalog.FindPackage(name) is null))
            {
                problems.Add($"The requirement of '{requirement.TemplateId}' names unknown package '{name}'.");
            }
        }

        return problems.Count == 0 ? catalog : throw new CatalogException("dependency catalog", problems);
    }

    /// <summary>The package called <paramref name="name"/> (case-insensitive), or null.</summary>
    public PackageInfo? FindPackage(string name) => packages.GetValueOrDefault(name);

    /// <summary>The requirements of one template (none for an unknown id).</summary>
    public IEnumerable<TemplateRequirement> RequirementsFor(string templateId) =>
        TemplateRequirements.Where(requirement => requirement.TemplateId == templateId);

    private static void CheckReference(DependencyCatalog catalog, string name, IReadOnlyList<string>? versions, List<string> problems)
    {
        var package = catalog.FindPackage(name);
        if (package is null)
        {
            problems.Add($"A conflict names unknown package '{name}'.");
        }
        else if (versions?.Except(package.Versions, StringComparer.Ordinal).FirstOrDefault() is { } version)
        {
            problems.Add($"A conflict names unknown version {version} of '{name}'.");
        }
    }
}
