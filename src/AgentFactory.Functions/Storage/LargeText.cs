using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// A string property longer than Table storage allows (64 KiB = 32K UTF-16 chars) split over numbered
/// properties of the same row, so that it is written and read atomically with the row.
/// </summary>
internal static class LargeText
{
    private const int ChunkChars = 30_000;

    // 1 MiB per entity, 2 bytes a char: leave room for the row's other properties.
    public const int MaxChars = 14 * ChunkChars;

    public static void Write(TableEntity row, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > MaxChars)
        {
            throw new ArgumentException($"'{name}' is {value.Length:N0} characters; a table row holds at most {MaxChars:N0}.", name);
        }

        int chunks = Math.Max(1, (value.Length + ChunkChars - 1) / ChunkChars);
        row[name + "Chunks"] = chunks;
        for (int i = 0; i < chunks; i++)
        {
            row[ChunkName(name, i)] = value.Substring(i * ChunkChars, Math.Min(ChunkChars, value.Length - (i * ChunkChars)));
        }
    }

    public static string? Read(TableEntity row, string name)
    {
        int chunks = row.GetInt32(name + "Chunks") ?? 0;
        return chunks == 0 ? null : string.Concat(Enumerable.Range(0, chunks).Select(i => row.GetString(ChunkName(name, i))));
    }

    private static string ChunkName(string name, int index) => index == 0 ? name : name + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
