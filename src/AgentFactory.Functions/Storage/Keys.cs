using System.Globalization;

namespace AgentFactory.Functions.Storage;

/// <summary>Key helpers shared by the tables. Key formats are storage formats: add, never change.</summary>
internal static class Keys
{
    /// <summary>
    /// Ticks counted down from the end of time, zero-padded: a row key that starts with it sorts newest
    /// first, which is the order every listing of the brief asks for (created_at DESC).
    /// </summary>
    public static string NewestFirst(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>
    /// Characters Table storage refuses in keys (/ \ # ? and control characters). Callers validate names
    /// long before they get here; this guard turns a slip into a clear error instead of a 400 from the service.
    /// </summary>
    public static string Check(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 512 || value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException($"'{value}' cannot be used as a {what} key.", what);
        }

        return value;
    }
}
