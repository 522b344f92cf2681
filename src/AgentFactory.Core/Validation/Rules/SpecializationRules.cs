using System.Text.RegularExpressions;
using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Industry from the fixed list, bounded domain expertise, BCP 47 language codes.</summary>
internal static partial class SpecializationRules
{
    public const int MaxDomainExpertise = 10;
    public const int MaxDomainExpertiseLength = 64;
    public const int MaxLanguages = 20;

    public static void Check(Specializations? specializations, ProblemList problems)
    {
        const string pointer = "/specializations";
        if (specializations is null)
        {
            problems.Required(pointer, "Specializations");
            return;
        }

        if (specializations.Industry is { } industry && !Enum.IsDefined(industry))
        {
            problems.Add(pointer + "/industry", ValidationCodes.EnumUndefined, "The industry is not one of the listed industries; choose one or leave it empty.");
        }

        CheckExpertise(specializations.DomainExpertise, problems);
        CheckLanguages(specializations.Languages, problems);
    }

    /// <summary>BCP 47 subset the agents support: language (2–3 letters), optional script (4 letters), optional region (2 letters or 3 digits).</summary>
    public static bool IsLanguageCode(string? code) => code is not null && LanguagePattern().IsMatch(code);

    private static void CheckExpertise(IReadOnlyList<string>? expertise, ProblemList problems)
    {
        const string pointer = "/specializations/domainExpertise";
        if (expertise is null)
        {
            problems.Required(pointer, "The domain expertise list");
            return;
        }

        if (expertise.Count > MaxDomainExpertise)
        {
            problems.Add(pointer, ValidationCodes.DomainExpertiseTooMany, $"List at most {MaxDomainExpertise} areas of expertise; there are {expertise.Count}.");
        }

        for (var i = 0; i < expertise.Count; i++)
        {
            var entry = expertise[i];
            if (entry is null)
            {
                problems.Required(JsonPointer.Append(pointer, i), "An expertise entry");
            }
            else if (string.IsNullOrWhiteSpace(entry) || entry.Length > MaxDomainExpertiseLength)
            {
                problems.Add(JsonPointer.Append(pointer, i), ValidationCodes.DomainExpertiseLength,
                    $"Each area of expertise must be 1–{MaxDomainExpertiseLength} characters and not blank; this one has {entry.Length}.");
            }
        }
    }

    private static void CheckLanguages(IReadOnlyList<string>? languages, ProblemList problems)
    {
        const string pointer = "/specializations/languages";
        if (languages is null)
        {
            problems.Required(pointer, "Languages");
            return;
        }

        if (languages.Count == 0)
        {
            problems.Add(pointer, ValidationCodes.LanguagesRequired, "Give at least one language the agent works in, e.g. \"en\".");
        }
        else if (languages.Count > MaxLanguages)
        {
            problems.Add(pointer, ValidationCodes.LanguagesTooMany, $"List at most {MaxLanguages} languages; there are {languages.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < languages.Count; i++)
        {
            var language = languages[i];
            var at = JsonPointer.Append(pointer, i);
            if (language is null)
            {
                problems.Required(at, "A language code");
            }
            else if (!IsLanguageCode(language))
            {
                problems.Add(at, ValidationCodes.LanguagesFormat,
                    $"{Text.Quote(language)} is not a language code; use BCP 47 such as \"en\", \"pt-BR\" or \"zh-Hant-TW\".");
            }
            else if (!seen.Add(language))
            {
                problems.Add(at, ValidationCodes.LanguagesDuplicate, $"Language {Text.Quote(language)} is listed twice; remove one.");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();
}
