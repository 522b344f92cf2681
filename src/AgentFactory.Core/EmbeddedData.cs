using System.Reflection;
using System.Text.Json;

namespace AgentFactory.Core;

/// <summary>Reads the JSON data files embedded in this assembly.</summary>
internal static class EmbeddedData
{
    private static readonly Assembly Assembly = typeof(EmbeddedData).Assembly;

    /// <summary>Names of the embedded resources that start with <paramref name="prefix"/>, sorted.</summary>
    public static IReadOnlyList<string> Names(string prefix) =>
        Assembly.GetManifestResourceNames().Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Deserializes one embedded resource.</summary>
    public static T Read<T>(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(name)
            ?? throw new CatalogException($"The embedded resource '{name}' is missing from {Assembly.GetName().Name}.");
        try
        {
            return JsonSerializer.Deserialize<T>(stream, AgentFactoryJson.Options)
                ?? throw new CatalogException($"The embedded resource '{name}' holds JSON null.");
        }
        catch (JsonException exception)
        {
            throw new CatalogException($"The embedded resource '{name}' is not a valid {typeof(T).Name}: {exception.Message}", exception);
        }
    }
}
