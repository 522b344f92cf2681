using System.Globalization;
using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary>Reading loosely typed API JSON into text for tables.</summary>
internal static class Text
{
    /// <summary>A property as display text: strings as they are, other values as compact JSON, null when absent or null.</summary>
    public static string? Of(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) ? Of(value) : null;

    public static string? Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    /// <summary>A time from the API as <c>yyyy-MM-dd HH:mm:ss</c> UTC; anything unparsable as it came.</summary>
    public static string Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : value ?? "";

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string Pretty(JsonElement value) =>
        JsonSerializer.Serialize(value, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
