namespace AgentFactory.Cli;

/// <summary>A plain text table: a header row, columns padded to their widest cell, two spaces between columns.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string?[] cells) =>
        _rows.Add([.. cells.Select(c => (c ?? "").ReplaceLineEndings(" "))]);

    public void Write(TextWriter output)
    {
        int[] widths = [.. headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0)))];
        WriteRow(output, headers, widths);
        foreach (string[] row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var parts = new string[widths.Length];
        for (int i = 0; i < widths.Length; i++)
        {
            string cell = i < cells.Length ? cells[i] : "";
            parts[i] = i == widths.Length - 1 ? cell : cell.PadRight(widths[i]);
        }

        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
