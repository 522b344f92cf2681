using System.Globalization;

namespace AgentFactory.Durable.InMemory;

/// <summary>Opaque paging token: the sort key (created time, instance id) of the last item returned.</summary>
internal static class ContinuationToken
{
    public static string Format(DateTime createdAt, string instanceId) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{createdAt.Ticks.ToString(CultureInfo.InvariantCulture)}|{instanceId}"));

    public static (DateTime, string)? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            string text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            long ticks = long.Parse(text.AsSpan(0, bar), CultureInfo.InvariantCulture);
            return (new DateTime(ticks, DateTimeKind.Utc), text[(bar + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token), ex);
        }
    }
}
