using System.Text.Encodings.Web;
using System.Text.Json;
using AgentFactory.Core;

namespace AgentFactory.AgentRuntime;

/// <summary>JSON of results and log lines: the domain's conventions (<see cref="AgentFactoryJson.Options"/>), compact.</summary>
internal static class RuntimeJson
{
    /// <summary>
    /// Relaxed escaping: output goes to JSON lines and tables, never into HTML, and a data agent's CSV/JSON output
    /// should read as written (<c>"</c> rather than <c>\u0022</c>).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(AgentFactoryJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
