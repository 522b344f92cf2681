using System.Text.RegularExpressions;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Template reference, name, description and tier.</summary>
internal static partial class BasicRules
{
    public const int MinNameLength = 3;
    public const int MaxNameLength = 63;
    public const int MaxDescriptionLength = 200;

    /// <summary>Finds the pinned template, reporting an unknown id or version.</summary>
    public static AgentTemplate? Template(AgentConfiguration configuration, TemplateCatalog templates, ProblemList problems)
    {
        if (configuration.TemplateId is null)
        {
            problems.Required("/templateId", "The template id");
            return null;
        }

        var versions = templates.Versions(configuration.TemplateId);
        if (versions.Count == 0)
        {
            problems.Add("/templateId", ValidationCodes.TemplateUnknown,
                $"There is no template {Text.Quote(configuration.TemplateId)}; choose one of {Text.List(templates.List().Select(t => t.Id))}.");
            return null;
        }

        var template = templates.Get(configuration.TemplateId, configuration.TemplateVersion);
        if (template is null)
        {
            problems.Add("/templateVersion", ValidationCodes.TemplateVersionUnknown,
                $"Template {configuration.TemplateId} has no version {configuration.TemplateVersion}; it has {Text.List(versions.Select(t => t.Version))}.");
        }

        return template;
    }

    /// <summary>
    /// The name becomes the agent's queue, blob container and ACI container group name, so it must satisfy all three:
    /// queues and blob containers want 3–63 lowercase letters, digits and single hyphens, starting and ending with a
    /// letter or digit; container groups want 1–63 of the same without leading, trailing or consecutive hyphens. We also
    /// require a leading letter (a DNS label that reads as a name, never as a number).
    /// </summary>
    public static void Name(string? name, ProblemList problems)
    {
        const string pointer = "/name";
        if (name is null)
        {
            problems.Required(pointer, "The agent name");
            return;
        }

        if (name.Length is < MinNameLength or > MaxNameLength)
        {
            problems.Add(pointer, ValidationCodes.NameLength, $"The name must be {MinNameLength}–{MaxNameLength} characters long; it has {name.Length}.");
        }

        if (!NamePattern().IsMatch(name))
        {
            problems.Add(pointer, ValidationCodes.NameFormat,
                $"The name {Text.Quote(name)} must start with a lowercase letter and contain only lowercase letters, digits and hyphens (it is also the agent's queue, blob container and container group name).");
        }

        if (name.Contains("--", StringComparison.Ordinal) || name.EndsWith('-'))
        {
            problems.Add(pointer, ValidationCodes.NameHyphens, $"The name {Text.Quote(name)} must not contain two hyphens in a row or end with a hyphen.");
        }
    }

    public static void Description(string? description, ProblemList problems)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            problems.Add("/description", ValidationCodes.DescriptionLength,
                $"The description must be at most {MaxDescriptionLength} characters; it has {description.Length}. Shorten it.");
        }
    }

    public static TierLimits? Tier(Tier tier, ProblemList problems)
    {
        var limits = TierLimits.For(tier);
        if (limits is null)
        {
            problems.Add("/tier", ValidationCodes.EnumUndefined, "The tier must be starter, professional or enterprise.");
        }

        return limits;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
