namespace AgentFactory.Core.Templates;

/// <summary>
/// The versioned set of agent templates. Loaded from embedded JSON (<c>Templates/Data/*.json</c>, one file per
/// template version) and checked at start; later seeded into Table storage. <see cref="Get"/> returns the latest
/// version unless a version is pinned, so a template change never breaks a wizard already in flight.
/// </summary>
public sealed class TemplateCatalog
{
    private const string ResourcePrefix = "AgentFactory.Core.Templates.Data.";
    private readonly Dictionary<string, IReadOnlyList<AgentTemplate>> byId;

    private TemplateCatalog(IEnumerable<AgentTemplate> templates)
    {
        byId = templates.GroupBy(template => template.Id, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<AgentTemplate>)group.OrderBy(t => t.Version).ToList(), StringComparer.Ordinal);
    }

    /// <summary>Every version of every template, ordered by id then version (what the store is seeded with).</summary>
    public IReadOnlyList<AgentTemplate> All => byId.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => pair.Value).ToList();

    /// <summary>Loads and checks the embedded templates.</summary>
    /// <exception cref="CatalogException">The embedded data is inconsistent (a build defect).</exception>
    public static TemplateCatalog LoadEmbedded() =>
        Create(EmbeddedData.Names(ResourcePrefix).Select(EmbeddedData.Read<AgentTemplate>));

    /// <summary>Checks <paramref name="templates"/> and builds a catalog of them.</summary>
    /// <exception cref="CatalogException">A template is incomplete or inconsistent; the exception lists every problem.</exception>
    public static TemplateCatalog Create(IEnumerable<AgentTemplate> templates)
    {
        var list = templates.ToList();
        var problems = list.SelectMany(TemplateChecks.Check).ToList();
        problems.AddRange(list.GroupBy(t => (t.Id, t.Version)).Where(g => g.Count() > 1)
            .Select(g => $"Template {g.Key.Id} version {g.Key.Version} is defined {g.Count()} times."));
        if (list.Count == 0)
        {
            problems.Add("There are no templates.");
        }

        return problems.Count == 0 ? new TemplateCatalog(list) : throw new CatalogException("template catalog", problems);
    }

    /// <summary>The template <paramref name="id"/> at <paramref name="version"/>, or its latest version when null; null when absent.</summary>
    public AgentTemplate? Get(string id, int? version = null)
    {
        if (id is null || !byId.TryGetValue(id, out var versions))
        {
            return null;
        }

        return version is null ? versions[^1] : versions.FirstOrDefault(template => template.Version == version);
    }

    /// <summary>Every version of template <paramref name="id"/>, oldest first (empty when unknown).</summary>
    public IReadOnlyList<AgentTemplate> Versions(string id) => byId.GetValueOrDefault(id) ?? [];

    /// <summary>The latest version of each template that passes <paramref name="filter"/>, ordered by id.</summary>
    public IReadOnlyList<AgentTemplate> List(TemplateFilter? filter = null) =>
        byId.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value[^1])
            .Where(template => filter?.Matches(template) ?? true).ToList();
}
