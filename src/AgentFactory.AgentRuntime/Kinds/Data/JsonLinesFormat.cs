using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>JSON lines: one JSON object per line; a line that is not one is reported and skipped.</summary>
internal static class JsonLinesFormat
{
    public static ReadResult Read(string content)
    {
        var rows = new List<DataRow>();
        var errors = new List<DataError>();
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(text) is JsonObject row)
                {
                    rows.Add(new DataRow(i + 1, row));
                }
                else
                {
                    errors.Add(new DataError(i + 1, "not a JSON object"));
                }
            }
            catch (JsonException e)
            {
                // The parser's own position text, not the line's content: a record may hold personal data.
                errors.Add(new DataError(i + 1, "invalid JSON at byte " + (e.BytePositionInLine ?? 0)));
            }
        }

        return new ReadResult(rows, errors);
    }

    public static string Write(IReadOnlyList<JsonObject> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(row.ToJsonString(RuntimeJson.Options)).Append('\n');
        }

        return text.ToString();
    }
}
