using System.Text.RegularExpressions;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Required capabilities present, only known template capabilities, well-formed custom ones.</summary>
internal static partial class CapabilityRules
{
    public const int MaxCustom = 20;

    /// <summary>Capability names are snake_case: they become identifiers in the agent runtime and in metrics.</summary>
    public static bool IsWellFormed(string? capability) => capability is not null && CapabilityPattern().IsMatch(capability);

    public static void Check(CapabilitySelection? capabilities, AgentTemplate? template, ProblemList problems)
    {
        const string pointer = "/capabilities";
        if (capabilities is null)
        {
            problems.Required(pointer, "Capabilities");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        CheckSelected(capabilities.Selected, template, seen, problems);
        CheckCustom(capabilities.Custom, template, seen, problems);
    }

    private static void CheckSelected(IReadOnlyList<string>? selected, AgentTemplate? template, HashSet<string> seen, ProblemList problems)
    {
        const string pointer = "/capabilities/selected";
        if (selected is null)
        {
            problems.Required(pointer, "The selected capabilities");
            return;
        }

        for (var i = 0; i < selected.Count; i++)
        {
            var capability = selected[i];
            var at = JsonPointer.Append(pointer, i);
            if (capability is null)
            {
                problems.Required(at, "A capability name");
            }
            else if (!seen.Add(capability))
            {
                problems.Add(at, ValidationCodes.CapabilitiesDuplicate, $"Capability {Text.Quote(capability)} is listed twice; remove one.");
            }
            else if (template is not null && !template.Knows(capability))
            {
                problems.Add(at, ValidationCodes.CapabilitiesUnknown,
                    $"The {template.Name} has no capability {Text.Quote(capability)}; choose from {Text.List(template.RequiredCapabilities.Concat(template.OptionalCapabilities))}, or declare it as a custom capability.");
            }
        }

        foreach (var missing in template?.RequiredCapabilities.Where(required => !selected.Contains(required)) ?? [])
        {
            problems.Add(pointer, ValidationCodes.CapabilitiesRequiredMissing,
                $"Add the required capability '{missing}': every {template!.Name} has it.");
        }
    }

    private static void CheckCustom(IReadOnlyList<string>? custom, AgentTemplate? template, HashSet<string> seen, ProblemList problems)
    {
        const string pointer = "/capabilities/custom";
        if (custom is null)
        {
            problems.Required(pointer, "The custom capabilities list");
            return;
        }

        if (custom.Count > MaxCustom)
        {
            problems.Add(pointer, ValidationCodes.CapabilitiesCustomTooMany, $"Declare at most {MaxCustom} custom capabilities; there are {custom.Count}.");
        }

        for (var i = 0; i < custom.Count; i++)
        {
            var capability = custom[i];
            var at = JsonPointer.Append(pointer, i);
            if (capability is null)
            {
                problems.Required(at, "A custom capability name");
            }
            else if (!IsWellFormed(capability))
            {
                problems.Add(at, ValidationCodes.CapabilitiesCustomFormat,
                    $"Custom capability {Text.Quote(capability)} must be snake_case: a lowercase letter, then 1–47 lowercase letters, digits or underscores.");
            }
            else if (template?.Knows(capability) == true)
            {
                problems.Add(at, ValidationCodes.CapabilitiesCustomShadowsTemplate,
                    $"'{capability}' is a capability of the {template.Name}; select it under capabilities instead of declaring it as custom.");
            }
            else if (!seen.Add(capability))
            {
                problems.Add(at, ValidationCodes.CapabilitiesDuplicate, $"Capability {Text.Quote(capability)} is listed twice; remove one.");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapabilityPattern();
}
