using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFactory.Core;

/// <summary>
/// The JSON conventions of the domain: camelCase property names, enums as camelCase strings,
/// nulls omitted when writing. Templates, configurations and problems all round-trip through these options.
/// </summary>
public static class AgentFactoryJson
{
    /// <summary>Shared, read-only serializer options for every domain type.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Settings carry their "kind" discriminator wherever a client happened to put it.
            AllowOutOfOrderMetadataProperties = true,
            // Numbers are numbers: "1" for a core count is a client mistake, not a convenience.
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
