using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>
/// Field values: CSV text becomes a number when it is written like one (no leading zeros, so "007" stays a code),
/// and values compare numbers by value and strings ordinally.
/// </summary>
internal static class FieldValues
{
    public static JsonNode? FromCsv(string text, bool quoted)
    {
        if (quoted)
        {
            return JsonValue.Create(text);
        }

        if (text.Length == 0)
        {
            return null;
        }

        return LooksNumeric(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? Number(number)
            : JsonValue.Create(text);
    }

    /// <summary>A decimal without trailing zeros, so 300.00 is written as 300.</summary>
    public static JsonValue Number(decimal value) => JsonValue.Create(value / 1.000000000000000000000000000000000m);

    // Through the JSON text: a JsonValue made from an int does not hand out a decimal.
    public static decimal? AsNumber(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Orders values: nulls first, then numbers by value, then strings ordinally, then anything else by its JSON.</summary>
    public static int Compare(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        }

        if (AsNumber(a) is { } x && AsNumber(b) is { } y)
        {
            return x.CompareTo(y);
        }

        var rank = Rank(a).CompareTo(Rank(b));
        return rank != 0 ? rank : string.CompareOrdinal(AsString(a) ?? a.ToJsonString(), AsString(b) ?? b.ToJsonString());
    }

    public static bool Equal(JsonNode? a, JsonNode? b) => a is null || b is null ? a is null && b is null : Compare(a, b) == 0 && Rank(a) == Rank(b);

    private static int Rank(JsonNode node) => AsNumber(node) is not null ? 0 : AsString(node) is not null ? 1 : 2;

    private static bool LooksNumeric(string text)
    {
        var i = text[0] == '-' ? 1 : 0;
        var digits = i;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == i || (text[i] == '0' && digits - i > 1))
        {
            return false; // no integer part, or a leading zero ("007")
        }

        if (digits < text.Length && text[digits] == '.')
        {
            var fraction = digits + 1;
            while (fraction < text.Length && char.IsAsciiDigit(text[fraction]))
            {
                fraction++;
            }

            return fraction > digits + 1 && fraction == text.Length;
        }

        return digits == text.Length;
    }
}
