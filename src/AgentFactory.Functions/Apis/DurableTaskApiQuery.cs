using System.Globalization;
using AgentFactory.Durable;
using Microsoft.Extensions.Primitives;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Reads the API's query parameters (names as Durable Functions spells them; matched case-insensitively) and collects
/// every mistake, so that one 400 names all the parameters at fault. Durable Functions ignores a value it cannot parse;
/// we refuse it, because a silently dropped filter returns (or purges) more than the caller asked for.
/// </summary>
internal sealed class DurableTaskApiQuery(IQueryCollection query)
{
    /// <summary>Durable Functions' status names; <c>Canceled</c> is valid there but never happens, so it matches nothing.</summary>
    private static readonly string[] StatusNames = [.. Enum.GetNames<OrchestrationRuntimeStatus>(), "Canceled"];

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    /// <summary>400 with a ProblemDetails whose <c>errors</c> are keyed by parameter name.</summary>
    public IResult Problem() => DurableTaskApiProblems.InvalidParameters(_errors);

    public void Fail(string parameter, string message) => _errors[parameter] = [message];

    public string? String(string name) => Single(name);

    public bool Bool(string name, bool fallback)
    {
        string? value = Single(name);
        if (value is null)
        {
            return fallback;
        }

        if (bool.TryParse(value, out bool result))
        {
            return result;
        }

        Fail(name, $"'{name}' must be true or false; got '{value}'.");
        return fallback;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        string? value = Single(name);
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) && result >= min && result <= max)
        {
            return result;
        }

        Fail(name, $"'{name}' must be a whole number from {min} to {max}; got '{value}'.");
        return fallback;
    }

    /// <summary>An ISO 8601 date and time; without an offset it is taken as UTC.</summary>
    public DateTime? Date(string name)
    {
        string? value = Single(name);
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset result))
        {
            return result.UtcDateTime;
        }

        Fail(name, $"'{name}' must be an ISO 8601 date and time such as 2026-01-31T17:00:00Z; got '{value}'.");
        return null;
    }

    /// <summary>
    /// A comma-separated list of runtime statuses (the parameter may also repeat). Null when absent; an empty set when
    /// the names given match no instance (only <c>Canceled</c>).
    /// </summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses(string name)
    {
        if (!query.TryGetValue(name, out StringValues values))
        {
            return null;
        }

        string[] names = [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
        string[] unknown = [.. names.Where(n => !StatusNames.Contains(n, StringComparer.OrdinalIgnoreCase))];
        if (unknown.Length > 0)
        {
            Fail(name, $"'{name}' has unknown status {string.Join(", ", unknown.Select(u => $"'{u}'"))}; use a comma-separated list of {string.Join(", ", StatusNames)}.");
            return null;
        }

        if (names.Length == 0)
        {
            return null;
        }

        return [.. names
            .Where(n => Enum.TryParse(n, ignoreCase: true, out OrchestrationRuntimeStatus _))
            .Select(n => Enum.Parse<OrchestrationRuntimeStatus>(n, ignoreCase: true))
            .Distinct()];
    }

    private string? Single(string name)
    {
        if (!query.TryGetValue(name, out StringValues values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            Fail(name, $"'{name}' is given {values.Count} times; give it once.");
            return null;
        }

        // "?top=" reads as not given, as it does in Durable Functions.
        return string.IsNullOrWhiteSpace(values[0]) ? null : values[0];
    }
}
