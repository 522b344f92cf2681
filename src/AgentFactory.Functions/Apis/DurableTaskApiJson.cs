using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.Functions.Apis;

/// <summary>JSON as the Durable Functions HTTP API writes it: names fixed by attributes, nulls written, payloads as JSON values.</summary>
internal static class DurableTaskApiJson
{
    /// <summary>Independent of the app's HTTP JSON options, so a global naming or null policy cannot change the wire shape.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A stored payload (serialized JSON) as a JSON value. A payload that is not JSON is written as a string, as Durable
    /// Functions does for, e.g., a termination reason.
    /// </summary>
    public static JsonNode? ToJsonValue(string? serialized)
    {
        if (string.IsNullOrWhiteSpace(serialized))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(serialized);
        }
        catch (JsonException)
        {
            return JsonValue.Create(serialized);
        }
    }

    /// <summary>ISO 8601 in UTC with 100 ns precision (history timestamps).</summary>
    public static JsonNode Timestamp(DateTime value) => JsonValue.Create(Utc(value));

    /// <summary>Backends keep UTC; a value read back without a kind is UTC too.</summary>
    public static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
