using System.Text.Json;

namespace AgentFactory.Core.Validation.Json;

/// <summary>
/// Reads the properties of one JSON object, reporting every missing field, wrong type, unknown enum value,
/// unknown or duplicate property as a problem with its pointer instead of throwing. A value that cannot be
/// read comes back as null so the caller can keep reading the rest of the document.
/// </summary>
internal sealed class ObjectReader
{
    private readonly JsonElement element;
    private readonly ProblemList problems;
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    private ObjectReader(JsonElement element, string pointer, ProblemList problems)
    {
        this.element = element;
        Pointer = pointer;
        this.problems = problems;
    }

    public string Pointer { get; }

    public ProblemList Problems => problems;

    /// <summary>A reader of <paramref name="element"/>, or null (with a problem) when it is not an object.</summary>
    public static ObjectReader? From(JsonElement element, string pointer, ProblemList problems, string what)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return new ObjectReader(element, pointer, problems);
        }

        problems.Add(pointer, ValidationCodes.JsonType, $"{what} must be a JSON object, not {Describe(element)}.");
        return null;
    }

    public string At(string name) => JsonPointer.Append(Pointer, name);

    /// <summary>
    /// An optional list: empty when absent, null when present but unreadable, so rules that depend on it know
    /// they cannot judge it (its own problem is already reported).
    /// </summary>
    public static IReadOnlyList<T> Optional<T>(List<T>? read, ObjectReader reader, string name) =>
        read ?? (reader.element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? null! : []);

    public string? String(string name, bool required, string what) =>
        Read(name, required, what, static e => e.ValueKind == JsonValueKind.String ? e.GetString() : null, "a string");

    public int? Int(string name, bool required, string what) =>
        ReadValue<int>(name, required, what, static e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : null, "a whole number");

    public decimal? Decimal(string name, bool required, string what) =>
        ReadValue<decimal>(name, required, what, static e => e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var v) ? v : null, "a number");

    public double? Double(string name, bool required, string what) =>
        ReadValue<double>(name, required, what, static e => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && double.IsFinite(v) ? v : null, "a number");

    public bool? Bool(string name, bool required, string what) =>
        ReadValue<bool>(name, required, what, static e => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null, "true or false");

    public TEnum? Enum<TEnum>(string name, bool required, string what)
        where TEnum : struct, Enum
    {
        if (!TryGet(name, required, what, out var value))
        {
            return null;
        }

        return EnumNames.Read<TEnum>(value, At(name), problems, what);
    }

    public ObjectReader? Object(string name, bool required, string what) =>
        TryGet(name, required, what, out var value) ? From(value, At(name), problems, what) : null;

    /// <summary>Reads an array; items that cannot be read are kept as nulls so indices (and pointers) stay right.</summary>
    public List<T>? Array<T>(string name, bool required, string what, Func<JsonElement, string, T?> readItem)
        where T : class
    {
        if (!TryGet(name, required, what, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(At(name), ValidationCodes.JsonType, $"{what} must be a JSON array, not {Describe(value)}.");
            return null;
        }

        var items = new List<T>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var pointer = JsonPointer.Append(At(name), index++);
            if (item.ValueKind == JsonValueKind.Null)
            {
                problems.Required(pointer, $"Each entry of {what}");
                items.Add(null!);
                continue;
            }

            items.Add(readItem(item, pointer)!);
        }

        return items;
    }

    /// <summary>Reads an array of strings.</summary>
    public List<string>? Strings(string name, bool required, string what) =>
        Array(name, required, what, (item, pointer) => ReadString(item, pointer, problems, $"Each entry of {what}"));

    /// <summary>The raw properties of a free-form object (the caller checks each value).</summary>
    public IEnumerable<JsonProperty> RawProperties() => element.EnumerateObject();

    /// <summary>Reports the properties nobody asked for (typos) and the ones given twice.</summary>
    public void Finish()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var pointer = At(property.Name);
            if (!seen.Add(property.Name))
            {
                problems.Add(pointer, ValidationCodes.JsonDuplicateProperty, $"'{Shorten(property.Name)}' is given more than once; give it once.");
            }
            else if (!known.Contains(property.Name))
            {
                var hint = known.FirstOrDefault(name => string.Equals(name, property.Name, StringComparison.OrdinalIgnoreCase));
                problems.Add(pointer, ValidationCodes.JsonUnknownProperty, hint is null
                    ? $"'{Shorten(property.Name)}' is not a property here; remove it. Known properties: {string.Join(", ", known)}."
                    : $"'{Shorten(property.Name)}' is not a property here; did you mean '{hint}'? Names are case-sensitive.");
            }
        }
    }

    public static string? ReadString(JsonElement item, string pointer, ProblemList problems, string what)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            return item.GetString();
        }

        problems.Add(pointer, ValidationCodes.JsonType, $"{what} must be a string, not {Describe(item)}.");
        return null;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        // Never the number itself: a misplaced secret (a PIN given as a number) must not be echoed.
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string Shorten(string text) => text.Length <= 64 ? text : text[..61] + "...";

    private bool TryGet(string name, bool required, string what, out JsonElement value)
    {
        known.Add(name);
        if (element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            problems.Required(At(name), what);
        }

        return false;
    }

    private T? Read<T>(string name, bool required, string what, Func<JsonElement, T?> read, string expected)
        where T : class
    {
        if (!TryGet(name, required, what, out var value))
        {
            return null;
        }

        var result = read(value);
        if (result is null)
        {
            problems.Add(At(name), ValidationCodes.JsonType, $"{what} must be {expected}, not {Describe(value)}.");
        }

        return result;
    }

    private T? ReadValue<T>(string name, bool required, string what, Func<JsonElement, T?> read, string expected)
        where T : struct
    {
        if (!TryGet(name, required, what, out var value))
        {
            return null;
        }

        var result = read(value);
        if (result is null)
        {
            problems.Add(At(name), ValidationCodes.JsonType, value.ValueKind == JsonValueKind.Number
                ? $"{what} must be {expected}; this number is fractional or out of range."
                : $"{what} must be {expected}, not {Describe(value)}.");
        }

        return result;
    }
}
