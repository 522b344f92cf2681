using System.Globalization;
using System.Text.Json;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>
/// Reads task input fields with one error style: a missing or mistyped field is a <see cref="TaskInputException"/>
/// saying which field and what it must be, so every handler reports bad input the same way.
/// </summary>
internal static class JsonInput
{
    /// <summary>The field, or null when it is absent or JSON null.</summary>
    public static JsonElement? Field(this JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string RequiredString(this JsonElement input, string name, int maxLength = 4096) =>
        input.OptionalString(name, maxLength) is { Length: > 0 } value ? value : throw Invalid(name, $"a non-empty string of at most {maxLength} characters");

    public static string? OptionalString(this JsonElement input, string name, int maxLength = 4096)
    {
        if (input.Field(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= maxLength
            ? value.GetString()
            : throw Invalid(name, $"a string of at most {maxLength} characters");
    }

    public static int RequiredInt(this JsonElement input, string name, int min, int max) =>
        input.OptionalInt(name, min, max) ?? throw Invalid(name, Range(min, max));

    public static int? OptionalInt(this JsonElement input, string name, int min, int max)
    {
        if (input.Field(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max
            ? number
            : throw Invalid(name, Range(min, max));
    }

    public static double? OptionalNumber(this JsonElement input, string name, double min, double max)
    {
        if (input.Field(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max
            ? number
            : throw Invalid(name, $"a number from {Format(min)} to {Format(max)}");
    }

    public static bool OptionalBool(this JsonElement input, string name, bool fallback = false)
    {
        if (input.Field(name) is not { } value)
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(name, "true or false"),
        };
    }

    public static JsonElement RequiredObject(this JsonElement input, string name) =>
        input.Field(name) is { ValueKind: JsonValueKind.Object } value ? value : throw Invalid(name, "an object");

    public static JsonElement? OptionalObject(this JsonElement input, string name) =>
        input.Field(name) is not { } value ? null : value.ValueKind == JsonValueKind.Object ? value : throw Invalid(name, "an object");

    /// <summary>The array's items; an absent field is an empty list unless <paramref name="required"/>.</summary>
    public static IReadOnlyList<JsonElement> Array(this JsonElement input, string name, int maxItems, bool required = false)
    {
        if (input.Field(name) is not { } value)
        {
            return required ? throw Invalid(name, $"an array of at most {maxItems} items") : [];
        }

        return value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= maxItems && (!required || value.GetArrayLength() > 0)
            ? value.EnumerateArray().ToList()
            : throw Invalid(name, $"a{(required ? " non-empty" : "n")} array of at most {maxItems} items");
    }

    public static IReadOnlyList<string> StringArray(this JsonElement input, string name, int maxItems, int maxLength = 256) =>
        input.Array(name, maxItems).Select(item => item.ValueKind == JsonValueKind.String && item.GetString()!.Length is > 0 and var length && length <= maxLength
            ? item.GetString()!
            : throw Invalid(name, $"an array of non-empty strings of at most {maxLength} characters")).ToList();

    public static TaskInputException Invalid(string name, string expectation) => new($"'{name}' must be {expectation}.");

    private static string Range(int min, int max) => $"an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
