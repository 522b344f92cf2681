using System.Text;
using System.Text.RegularExpressions;
using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>
/// Environment variables: POSIX names, not reserved by the platform, bounded sizes, no duplicates, within the
/// tier's count. Messages name variables but never show a value: values may be secrets.
/// </summary>
internal static partial class EnvironmentRules
{
    public const int MaxNameLength = 256;
    public const int MaxValueBytes = 32 * 1024;
    public const int MaxTotalBytes = 128 * 1024;

    /// <summary>Names the platform or the OS sets in every agent container (compared case-insensitively).</summary>
    public static IReadOnlyList<string> ReservedNames { get; } =
        ["PATH", "HOME", "USER", "SHELL", "PWD", "HOSTNAME", "LANG", "TERM", "TMPDIR", "LD_PRELOAD", "LD_LIBRARY_PATH"];

    /// <summary>Prefixes the platform owns: AGENT_ (agent id, queue, storage), AZURE_ (managed identity), DOTNET_ (runtime limits), SANDBOX_ (sandbox endpoints).</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = ["AGENT_", "AZURE_", "DOTNET_", "SANDBOX_"];

    public static bool IsReserved(string name) =>
        ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase) ||
        ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    public static bool IsPosixName(string? name) => name is not null && PosixName().IsMatch(name);

    public static void Check(IReadOnlyList<EnvironmentVariable>? variables, TierLimits? tier, ProblemList problems)
    {
        const string pointer = "/advanced/environment";
        if (variables is null)
        {
            problems.Required(pointer, "The environment variable list");
            return;
        }

        if (tier is not null && variables.Count > tier.MaxEnvironmentVariables)
        {
            problems.Add(pointer, ValidationCodes.EnvironmentCountAboveTierLimit,
                $"The {tier.Tier} tier allows at most {tier.MaxEnvironmentVariables} environment variables; there are {variables.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var total = 0L;
        for (var i = 0; i < variables.Count; i++)
        {
            var at = JsonPointer.Append(pointer, i);
            if (variables[i] is not { } variable)
            {
                problems.Required(at, "An environment variable");
                continue;
            }

            CheckName(variable.Name, at + "/name", seen, problems);
            if (variable.Value is null)
            {
                problems.Required(at + "/value", $"The value of {Text.Quote(variable.Name)}");
                continue;
            }

            var bytes = Encoding.UTF8.GetByteCount(variable.Value);
            total += bytes + (variable.Name?.Length ?? 0);
            if (bytes > MaxValueBytes)
            {
                problems.Add(at + "/value", ValidationCodes.EnvironmentValueLength,
                    $"The value of {Text.Quote(variable.Name)} is {Text.Number(bytes)} bytes; at most {Text.Number(MaxValueBytes)} are allowed. Put large content in storage.");
            }
        }

        if (total > MaxTotalBytes)
        {
            problems.Add(pointer, ValidationCodes.EnvironmentTotalLength,
                $"Environment names and values add up to {Text.Number((int)Math.Min(total, int.MaxValue))} bytes; at most {Text.Number(MaxTotalBytes)} are allowed.");
        }
    }

    private static void CheckName(string? name, string pointer, HashSet<string> seen, ProblemList problems)
    {
        if (name is null)
        {
            problems.Required(pointer, "The variable name");
            return;
        }

        if (name.Length > MaxNameLength)
        {
            problems.Add(pointer, ValidationCodes.EnvironmentNameLength, $"Variable names are at most {MaxNameLength} characters; this one has {name.Length}.");
        }

        if (!IsPosixName(name))
        {
            problems.Add(pointer, ValidationCodes.EnvironmentNameFormat,
                $"{Text.Quote(name)} is not a valid variable name; use letters, digits and underscores, not starting with a digit.");
        }
        else if (IsReserved(name))
        {
            problems.Add(pointer, ValidationCodes.EnvironmentNameReserved,
                $"{Text.Quote(name)} is set by the platform; choose another name (reserved: {Text.List(ReservedNames)} and the prefixes {Text.List(ReservedPrefixes)}).");
        }

        if (!seen.Add(name))
        {
            problems.Add(pointer, ValidationCodes.EnvironmentDuplicate, $"{Text.Quote(name)} is already defined above (names are compared ignoring case); remove one.");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PosixName();
}
