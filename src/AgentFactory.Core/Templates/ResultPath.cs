using System.Text.Json;

namespace AgentFactory.Core.Templates;

/// <summary>
/// A small JSON-path subset for test assertions: <c>$</c>, then <c>.name</c>, <c>[index]</c> or <c>[*]</c> segments.
/// Enough to point into a task result without a JSONPath dependency.
/// </summary>
public sealed class ResultPath
{
    private readonly IReadOnlyList<Segment> segments;

    private ResultPath(IReadOnlyList<Segment> segments) => this.segments = segments;

    /// <summary>True when the path has a <c>[*]</c> segment (and so may select several values).</summary>
    public bool HasWildcard => segments.Any(segment => segment.Wildcard);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out ResultPath path, out string error)
    {
        path = new ResultPath([]);
        if (string.IsNullOrEmpty(text) || text[0] != '$')
        {
            error = "a path starts with '$'";
            return false;
        }

        var segments = new List<Segment>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"a property name is expected at position {start}";
                    return false;
                }

                segments.Add(new Segment(text[start..i], null, false));
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                var inner = end < 0 ? "" : text[(i + 1)..end];
                if (inner == "*")
                {
                    segments.Add(new Segment(null, null, true));
                }
                else if (inner.Length is > 0 and <= 9 && inner.All(char.IsAsciiDigit))
                {
                    segments.Add(new Segment(null, int.Parse(inner, System.Globalization.CultureInfo.InvariantCulture), false));
                }
                else
                {
                    error = $"'[' at position {i} must be followed by an index or '*' and ']'";
                    return false;
                }

                i = end + 1;
            }
            else
            {
                error = $"unexpected '{text[i]}' at position {i}";
                return false;
            }
        }

        path = new ResultPath(segments);
        error = "";
        return true;
    }

    /// <summary>The values the path selects in <paramref name="root"/> (empty when nothing matches).</summary>
    public IReadOnlyList<JsonElement> Select(JsonElement root)
    {
        IEnumerable<JsonElement> current = [root];
        foreach (var segment in segments)
        {
            current = current.SelectMany(segment.Apply).ToList();
        }

        return current.ToList();
    }

    private sealed record Segment(string? Property, int? Index, bool Wildcard)
    {
        public IEnumerable<JsonElement> Apply(JsonElement element)
        {
            if (Property is not null)
            {
                return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(Property, out var value) ? [value] : [];
            }

            if (element.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            if (Wildcard)
            {
                return element.EnumerateArray().ToList();
            }

            return Index < element.GetArrayLength() ? [element[Index.Value]] : [];
        }
    }
}
