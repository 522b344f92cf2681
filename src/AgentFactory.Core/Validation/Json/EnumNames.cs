using System.Collections.Concurrent;
using System.Text.Json;

namespace AgentFactory.Core.Validation.Json;

/// <summary>The JSON names of enum values (camelCase, as <see cref="AgentFactoryJson.Options"/> writes them).</summary>
internal static class EnumNames
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, object>> Cache = new();

    /// <summary>The JSON name of <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Every JSON name of <typeparamref name="TEnum"/>.</summary>
    public static IEnumerable<string> All<TEnum>()
        where TEnum : struct, Enum => System.Enum.GetValues<TEnum>().Select(Of);

    public static TEnum? Read<TEnum>(JsonElement value, string pointer, ProblemList problems, string what)
        where TEnum : struct, Enum
    {
        var names = Cache.GetOrAdd(typeof(TEnum), static _ =>
            System.Enum.GetValues<TEnum>().ToDictionary(Of, v => (object)v, StringComparer.OrdinalIgnoreCase));
        if (value.ValueKind == JsonValueKind.String && names.TryGetValue(value.GetString()!, out var result))
        {
            return (TEnum)result;
        }

        var allowed = string.Join(", ", All<TEnum>());
        if (value.ValueKind == JsonValueKind.String)
        {
            problems.Add(pointer, ValidationCodes.JsonEnum, $"{what} '{ObjectReader.Shorten(value.GetString()!)}' is not allowed; use one of: {allowed}.");
        }
        else
        {
            problems.Add(pointer, ValidationCodes.JsonType, $"{what} must be a string, one of: {allowed}; not {ObjectReader.Describe(value)}.");
        }

        return null;
    }
}
