using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Dependencies come from the catalog; versions exist; no conflicting pair; the template's requirements are met.</summary>
internal static class DependencyRules
{
    public static void Check(IReadOnlyList<DependencyReference>? dependencies, AgentTemplate? template, DependencyCatalog catalog, ProblemList problems)
    {
        const string pointer = "/advanced/dependencies";
        if (dependencies is null)
        {
            problems.Required(pointer, "The dependency list");
            return;
        }

        // The resolved (package, version, index) of every known package, for the conflict and requirement checks;
        // an unknown version stays null: the package still counts for requirements and version-independent conflicts.
        var resolved = new List<(PackageInfo Package, string? Version, int Index)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < dependencies.Count; i++)
        {
            var at = JsonPointer.Append(pointer, i);
            if (dependencies[i] is not { } dependency)
            {
                problems.Required(at, "A dependency");
                continue;
            }

            if (dependency.Package is null)
            {
                problems.Required(at + "/package", "The package name");
                continue;
            }

            if (catalog.FindPackage(dependency.Package) is not { } package)
            {
                problems.Add(at + "/package", ValidationCodes.DependenciesUnknownPackage,
                    $"Package {Text.Quote(dependency.Package)} is not in the dependency catalog; choose one of {Text.List(catalog.Packages.Select(p => p.Name).Order(StringComparer.Ordinal))}.");
                continue;
            }

            if (!seen.Add(package.Name))
            {
                problems.Add(at + "/package", ValidationCodes.DependenciesDuplicate, $"Package {package.Name} is listed twice; keep one.");
                continue;
            }

            if (dependency.Version is { } version && !package.Versions.Contains(version, StringComparer.Ordinal))
            {
                problems.Add(at + "/version", ValidationCodes.DependenciesUnknownVersion,
                    $"{package.Name} {Text.Quote(version)} is not a vetted version; use one of {Text.List(package.Versions)} or leave it empty for {package.Latest}.");
                resolved.Add((package, null, i));
                continue;
            }

            resolved.Add((package, dependency.Version ?? package.Latest, i));
        }

        CheckConflicts(resolved, catalog, pointer, problems);
        if (template is not null)
        {
            CheckRequirements(resolved, template, catalog, pointer, problems);
        }
    }

    private static void CheckConflicts(List<(PackageInfo Package, string? Version, int Index)> resolved, DependencyCatalog catalog, string pointer, ProblemList problems)
    {
        foreach (var conflict in catalog.Conflicts)
        {
            var first = Find(resolved, conflict.Package, conflict.Versions);
            var second = Find(resolved, conflict.With, conflict.WithVersions);
            if (first is { } a && second is { } b)
            {
                var later = Math.Max(a.Index, b.Index);
                problems.Add(JsonPointer.Append(pointer, later), ValidationCodes.DependenciesConflict,
                    $"{Show(a)} and {Show(b)} cannot be used together: {conflict.Reason} Remove one.");
            }
        }
    }

    private static string Show((PackageInfo Package, string? Version, int Index) entry) =>
        entry.Version is null ? entry.Package.Name : $"{entry.Package.Name} {entry.Version}";

    private static (PackageInfo Package, string? Version, int Index)? Find(
        List<(PackageInfo Package, string? Version, int Index)> resolved, string name, IReadOnlyList<string>? versions)
    {
        foreach (var entry in resolved)
        {
            if (string.Equals(entry.Package.Name, name, StringComparison.OrdinalIgnoreCase) && (versions is null || (entry.Version is not null && versions.Contains(entry.Version))))
            {
                return entry;
            }
        }

        return null;
    }

    private static void CheckRequirements(List<(PackageInfo Package, string? Version, int Index)> resolved, AgentTemplate template, DependencyCatalog catalog, string pointer, ProblemList problems)
    {
        foreach (var requirement in catalog.RequirementsFor(template.Id))
        {
            if (!requirement.AnyOf.Any(name => resolved.Exists(entry => string.Equals(entry.Package.Name, name, StringComparison.OrdinalIgnoreCase))))
            {
                problems.Add(pointer, ValidationCodes.DependenciesTemplateRequirementMissing,
                    $"The {template.Name} needs {requirement.Reason}; add one of {Text.List(requirement.AnyOf)}.");
            }
        }
    }
}
