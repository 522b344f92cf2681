using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>
/// RFC 4180 CSV with a header row. Quoted fields may hold commas, doubled quotes and line breaks. A record that
/// cannot be read — an unterminated quote, a wrong number of fields — is reported with the line it starts on and
/// skipped: reading resumes on the next line, so one bad row never costs the rest of the file.
/// </summary>
internal static class CsvFormat
{
    public static ReadResult Read(string content)
    {
        var rows = new List<DataRow>();
        var errors = new List<DataError>();
        string[]? header = null;
        var position = 0;
        var line = 1;
        while (position < content.Length)
        {
            var start = line;
            var (fields, error, next, nextLine) = ReadRecord(content, position, line);
            (position, line) = (next, nextLine);
            if (error is not null)
            {
                errors.Add(new DataError(start, error));
                continue;
            }

            if (fields.Count == 1 && fields[0].Text.Length == 0 && !fields[0].Quoted)
            {
                continue; // a blank line
            }

            if (header is null)
            {
                header = fields.Select(field => field.Text).ToArray();
                continue;
            }

            if (fields.Count != header.Length)
            {
                errors.Add(new DataError(start, $"expected {header.Length} fields, found {fields.Count}"));
                continue;
            }

            var row = new JsonObject();
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = FieldValues.FromCsv(fields[i].Text, fields[i].Quoted);
            }

            rows.Add(new DataRow(start, row));
        }

        return new ReadResult(rows, errors);
    }

    public static string Write(IReadOnlyList<JsonObject> rows)
    {
        var columns = rows.SelectMany(row => row.Select(field => field.Key)).Distinct(StringComparer.Ordinal).ToList();
        if (columns.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendJoin(',', columns.Select(Quote)).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', columns.Select(column => Quote(Text(row[column])))).Append('\n');
        }

        return text.ToString();
    }

    private readonly record struct Field(string Text, bool Quoted);

    private static (List<Field> Fields, string? Error, int Next, int NextLine) ReadRecord(string content, int position, int line)
    {
        var start = position;
        var startLine = line;
        var fields = new List<Field>();
        var text = new StringBuilder();
        while (true)
        {
            text.Clear();
            var quoted = position < content.Length && content[position] == '"';
            if (quoted)
            {
                position++;
                while (true)
                {
                    if (position >= content.Length)
                    {
                        // Unterminated: skip the record's first line only, so the lines it swallowed are read again.
                        var end = content.IndexOf('\n', start);
                        return ([], "unterminated quoted field", end < 0 ? content.Length : end + 1, startLine + 1);
                    }

                    var c = content[position++];
                    if (c == '"' && position < content.Length && content[position] == '"')
                    {
                        text.Append('"');
                        position++;
                    }
                    else if (c == '"')
                    {
                        break;
                    }
                    else
                    {
                        line += c == '\n' ? 1 : 0;
                        text.Append(c);
                    }
                }

                if (position < content.Length && content[position] is not (',' or '\n' or '\r'))
                {
                    var end = content.IndexOf('\n', position);
                    return ([], "unexpected text after a closing quote", end < 0 ? content.Length : end + 1, line + 1);
                }
            }
            else
            {
                while (position < content.Length && content[position] is not (',' or '\n' or '\r'))
                {
                    text.Append(content[position++]);
                }
            }

            fields.Add(new Field(text.ToString(), quoted));
            if (position < content.Length && content[position] == ',')
            {
                position++;
                continue;
            }

            if (position < content.Length && content[position] == '\r')
            {
                position++;
            }

            if (position < content.Length && content[position] == '\n')
            {
                position++;
            }

            return (fields, null, position, line + 1);
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => value.ToJsonString(),
    };

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])))
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
