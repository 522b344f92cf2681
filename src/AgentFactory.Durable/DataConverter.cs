using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFactory.Durable;

/// <summary>Turns payloads into the strings stored in history, and back. System.Text.Json only.</summary>
public class DataConverter
{
    /// <summary>The options every payload and history export uses.</summary>
    public static JsonSerializerOptions DefaultOptions { get; } = CreateOptions();

    private readonly JsonSerializerOptions _options;

    public DataConverter(JsonSerializerOptions? options = null) => _options = options ?? DefaultOptions;

    /// <summary>The shared default converter.</summary>
    public static DataConverter Default { get; } = new();

    /// <summary>Serializes a value; null stays null.</summary>
    public virtual string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    /// <summary>Deserializes <paramref name="data"/>; null or empty gives default.</summary>
    /// <exception cref="JsonException">The data does not fit <paramref name="type"/>; the message says why.</exception>
    public virtual object? Deserialize(string? data, Type type) =>
        string.IsNullOrEmpty(data) ? null : JsonSerializer.Deserialize(data, type, _options);

    /// <inheritdoc cref="Deserialize(string?, Type)"/>
    public T? Deserialize<T>(string? data) => (T?)Deserialize(data, typeof(T));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Exported histories may be edited by hand; the "type" discriminator need not come first.
            AllowOutOfOrderMetadataProperties = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
