namespace AgentFactory.Core.Templates;

/// <summary>Filters <see cref="TemplateCatalog.List"/>; a null criterion matches everything.</summary>
public sealed record TemplateFilter
{
    /// <summary>Only templates of this category.</summary>
    public TemplateCategory? Category { get; init; }

    /// <summary>Only templates of this complexity.</summary>
    public TemplateComplexity? Complexity { get; init; }

    /// <summary>True when <paramref name="template"/> passes the filter.</summary>
    public bool Matches(AgentTemplate template) =>
        (Category is null || template.Category == Category) && (Complexity is null || template.Complexity == Complexity);
}
