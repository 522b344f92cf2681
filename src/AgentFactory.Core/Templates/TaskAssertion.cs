using System.Globalization;
using System.Text.Json;

namespace AgentFactory.Core.Templates;

/// <summary>The check a <see cref="TaskAssertion"/> makes.</summary>
public enum AssertionKind
{
    /// <summary>The selected value deep-equals <see cref="TaskAssertion.Value"/> (numbers by value).</summary>
    Equals,
    /// <summary>The selected value exists and does not deep-equal the expected value.</summary>
    NotEquals,
    /// <summary>A string contains the expected substring, or an array (or a wildcard selection) holds an element equal to it.</summary>
    Contains,
    /// <summary>The path selects something (null included).</summary>
    Exists,
    /// <summary>The path selects nothing.</summary>
    NotExists,
    /// <summary>A number ≥ the expected number.</summary>
    GreaterThanOrEqual,
    /// <summary>A number ≤ the expected number.</summary>
    LessThanOrEqual,
}

/// <summary>The outcome of one assertion: whether it passed, and a sentence saying what was seen.</summary>
public readonly record struct AssertionOutcome(bool Passed, string Detail);

/// <summary>
/// A simple check on a test task's JSON result: a path (<see cref="ResultPath"/> syntax, e.g. <c>$.entries[0].key</c>
/// or <c>$.entries[*].key</c>), a kind, and for all kinds except exists/notExists the expected value.
/// </summary>
public sealed record TaskAssertion
{
    /// <summary>Where in the result to look.</summary>
    public required string Path { get; init; }

    /// <summary>What to check.</summary>
    public required AssertionKind Kind { get; init; }

    /// <summary>The expected value (absent for <see cref="AssertionKind.Exists"/> and <see cref="AssertionKind.NotExists"/>).</summary>
    public JsonElement? Value { get; init; }

    /// <summary>True when the kind compares against <see cref="Value"/>.</summary>
    public bool NeedsValue => Kind is not (AssertionKind.Exists or AssertionKind.NotExists);

    /// <summary>Evaluates the assertion on a task result. Never throws; a malformed assertion fails with a reason.</summary>
    public AssertionOutcome Evaluate(JsonElement result)
    {
        if (!ResultPath.TryParse(Path, out var path, out var error))
        {
            return new(false, $"The path '{Path}' is invalid: {error}");
        }

        if (NeedsValue && Value is null)
        {
            return new(false, $"The assertion '{Kind}' on {Path} has no expected value.");
        }

        var matches = path.Select(result);
        return Kind switch
        {
            AssertionKind.Exists => Outcome(matches.Count > 0, "exists"),
            AssertionKind.NotExists => Outcome(matches.Count == 0, "does not exist"),
            _ when matches.Count == 0 => new(false, $"{Path} does not exist."),
            AssertionKind.Equals => Outcome(JsonElement.DeepEquals(Selected(path, matches), Value!.Value), $"equals {Value}"),
            AssertionKind.NotEquals => Outcome(!JsonElement.DeepEquals(Selected(path, matches), Value!.Value), $"differs from {Value}"),
            AssertionKind.Contains => Outcome(Contains(path, matches, Value!.Value), $"contains {Value}"),
            AssertionKind.GreaterThanOrEqual => Compare(matches, static c => c >= 0, "≥"),
            AssertionKind.LessThanOrEqual => Compare(matches, static c => c <= 0, "≤"),
            _ => new(false, $"Unknown assertion kind {(int)Kind}."),
        };
    }

    private AssertionOutcome Outcome(bool passed, string expectation) =>
        new(passed, passed ? $"{Path} {expectation}." : $"Expected {Path} {expectation}, but it does not.");

    private static JsonElement Selected(ResultPath path, IReadOnlyList<JsonElement> matches) =>
        path.HasWildcard ? JsonSerializer.SerializeToElement(matches) : matches[0];

    private static bool Contains(ResultPath path, IReadOnlyList<JsonElement> matches, JsonElement expected)
    {
        if (path.HasWildcard)
        {
            return matches.Any(match => JsonElement.DeepEquals(match, expected));
        }

        var actual = matches[0];
        return actual.ValueKind switch
        {
            JsonValueKind.String when expected.ValueKind == JsonValueKind.String =>
                actual.GetString()!.Contains(expected.GetString()!, StringComparison.Ordinal),
            JsonValueKind.Array => actual.EnumerateArray().Any(item => JsonElement.DeepEquals(item, expected)),
            _ => false,
        };
    }

    private AssertionOutcome Compare(IReadOnlyList<JsonElement> matches, Func<int, bool> accept, string symbol)
    {
        var actual = matches[0];
        if (actual.ValueKind != JsonValueKind.Number || Value!.Value.ValueKind != JsonValueKind.Number)
        {
            return new(false, $"{Path} and the expected value must both be numbers.");
        }

        var passed = accept(actual.GetDouble().CompareTo(Value.Value.GetDouble()));
        var seen = actual.GetDouble().ToString(CultureInfo.InvariantCulture);
        return new(passed, passed ? $"{Path} = {seen} {symbol} {Value}." : $"Expected {Path} {symbol} {Value}, but it is {seen}.");
    }
}
