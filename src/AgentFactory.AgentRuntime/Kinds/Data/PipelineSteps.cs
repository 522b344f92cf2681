using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.AgentRuntime.Tasks;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>
/// The ETL steps, each a function from rows to rows: <c>filter {field, op, value}</c> (op eq, ne, gt, gte, lt, lte,
/// contains), <c>map {select, rename}</c>, and <c>aggregate {groupBy, aggregations: [{op, field, as}]}</c> (op count,
/// sum, avg, min, max; groups sorted by key).
/// </summary>
internal static class PipelineSteps
{
    private static readonly string[] FilterOps = ["eq", "ne", "gt", "gte", "lt", "lte", "contains"];
    private static readonly string[] AggregateOps = ["count", "sum", "avg", "min", "max"];

    /// <summary>Reads one step object into a function; bad steps fail the task before any row is touched.</summary>
    public static Func<IEnumerable<JsonObject>, IEnumerable<JsonObject>> Parse(JsonElement step, int index)
    {
        if (step.OptionalObject("filter") is { } filter)
        {
            var field = filter.RequiredString("field", 256);
            var op = filter.RequiredString("op", 16);
            if (!FilterOps.Contains(op))
            {
                throw JsonInput.Invalid($"steps[{index}].filter.op", string.Join(", ", FilterOps));
            }

            var value = filter.Field("value") is { } v ? JsonNode.Parse(v.GetRawText()) : null;
            return rows => rows.Where(row => Matches(row[field], op, value));
        }

        if (step.OptionalObject("map") is { } map)
        {
            var select = map.StringArray("select", 1000);
            var rename = map.OptionalObject("rename")?.EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw JsonInput.Invalid($"steps[{index}].map.rename", "an object of strings"), StringComparer.Ordinal)
                ?? [];
            return rows => rows.Select(row => Map(row, select, rename));
        }

        if (step.OptionalObject("aggregate") is { } aggregate)
        {
            var groupBy = aggregate.StringArray("groupBy", 20);
            var aggregations = aggregate.Array("aggregations", 50).Select(a =>
            {
                var op = a.RequiredString("op", 8);
                var field = a.OptionalString("field", 256);
                if (!AggregateOps.Contains(op) || (op != "count" && field is null))
                {
                    throw JsonInput.Invalid($"steps[{index}].aggregate.aggregations", "a list of {op, field, as} with op " + string.Join(", ", AggregateOps) + " (field needed except for count)");
                }

                return (Op: op, Field: field, As: a.OptionalString("as", 256) ?? (field is null ? op : $"{op}_{field}"));
            }).ToList();
            return rows => Aggregate(rows, groupBy, aggregations);
        }

        throw new TaskInputException($"'steps[{index}]' must be {{filter: …}}, {{map: …}} or {{aggregate: …}}.");
    }

    private static bool Matches(JsonNode? actual, string op, JsonNode? expected) => op switch
    {
        "eq" => FieldValues.Equal(actual, expected),
        "ne" => !FieldValues.Equal(actual, expected),
        "contains" => FieldValues.AsString(actual) is { } text && FieldValues.AsString(expected) is { } part && text.Contains(part, StringComparison.Ordinal),
        _ => Comparable(actual, expected) && FieldValues.Compare(actual, expected) switch
        {
            var c when op == "gt" => c > 0,
            var c when op == "gte" => c >= 0,
            var c when op == "lt" => c < 0,
            var c => c <= 0,
        },
    };

    // Ordering a number against a string (or a missing field) says nothing: such rows never pass gt/gte/lt/lte.
    private static bool Comparable(JsonNode? a, JsonNode? b) =>
        (FieldValues.AsNumber(a) is not null && FieldValues.AsNumber(b) is not null) || (FieldValues.AsString(a) is not null && FieldValues.AsString(b) is not null);

    // Group keys compare like values: 120.50 and 120.5 are one group, the number 1 and the string "1" are two.
    private static string KeyText(JsonNode? value) =>
        FieldValues.AsNumber(value) is { } number ? "n" + (number / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : FieldValues.AsString(value) is { } text ? "s" + text
        : value is null ? "-" : "j" + value.ToJsonString();

    private static JsonObject Map(JsonObject row, IReadOnlyList<string> select, IReadOnlyDictionary<string, string> rename)
    {
        var fields = select.Count > 0 ? select.Where(row.ContainsKey) : row.Select(field => field.Key);
        var mapped = new JsonObject();
        foreach (var name in fields)
        {
            mapped[rename.GetValueOrDefault(name, name)] = row[name]?.DeepClone();
        }

        return mapped;
    }

    private static IEnumerable<JsonObject> Aggregate(IEnumerable<JsonObject> rows, IReadOnlyList<string> groupBy, IReadOnlyList<(string Op, string? Field, string As)> aggregations)
    {
        var groups = new List<(JsonNode?[] Key, List<JsonObject> Rows)>();
        var index = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = groupBy.Select(field => row[field]).ToArray();
            var text = string.Join('\u001f', key.Select(KeyText));
            if (!index.TryGetValue(text, out var members))
            {
                index[text] = members = [];
                groups.Add((key, members));
            }

            members.Add(row);
        }

        groups.Sort((a, b) => a.Key.Zip(b.Key).Select(pair => FieldValues.Compare(pair.First, pair.Second)).FirstOrDefault(c => c != 0));
        foreach (var (key, members) in groups)
        {
            var result = new JsonObject();
            for (var i = 0; i < groupBy.Count; i++)
            {
                result[groupBy[i]] = key[i]?.DeepClone();
            }

            foreach (var (op, field, name) in aggregations)
            {
                var values = field is null ? [] : members.Select(row => row[field]).Where(value => value is not null).ToList();
                var numbers = values.Select(FieldValues.AsNumber).OfType<decimal>().ToList();
                result[name] = op switch
                {
                    "count" => JsonValue.Create(field is null ? members.Count : values.Count),
                    "sum" => FieldValues.Number(numbers.Sum()),
                    "avg" => numbers.Count == 0 ? null : FieldValues.Number(Math.Round(numbers.Average(), 10)),
                    "min" => values.Count == 0 ? null : values.MinBy(v => v, Comparer<JsonNode?>.Create(FieldValues.Compare))!.DeepClone(),
                    _ => values.Count == 0 ? null : values.MaxBy(v => v, Comparer<JsonNode?>.Create(FieldValues.Compare))!.DeepClone(),
                };
            }

            yield return result;
        }
    }
}
