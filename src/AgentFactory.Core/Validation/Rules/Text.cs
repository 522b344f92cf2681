using System.Globalization;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Formatting helpers for problem messages (invariant culture; user text shortened).</summary>
internal static class Text
{
    public static string Quote(string? text) => text is null ? "(null)" : $"'{Json.ObjectReader.Shorten(text)}'";

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Usd(decimal value) => value.ToString("$#,0.00", CultureInfo.InvariantCulture);

    public static string List<T>(IEnumerable<T> items) => string.Join(", ", items);
}
