using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;

namespace AgentFactory.AgentRuntime.Tests.Support;

/// <summary>Default configurations of the embedded templates, and handlers built from them, run in process.</summary>
internal static class Agents
{
    public static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();

    public static TheoryData<string> TemplateIds => new(Templates.List().Select(template => template.Id));

    public static AgentTemplate Template(string id) => Templates.Get(id) ?? throw new InvalidOperationException($"no template {id}");

    public static AgentConfiguration Default(string templateId, string name = "test-agent") => Template(templateId).CreateDefaultConfiguration(name);

    /// <summary>The configuration with every optional capability of its template selected.</summary>
    public static AgentConfiguration WithAllCapabilities(AgentConfiguration configuration)
    {
        var template = Template(configuration.TemplateId);
        return configuration with { Capabilities = configuration.Capabilities with { Selected = [.. template.RequiredCapabilities, .. template.OptionalCapabilities] } };
    }

    public static AgentHost Host(AgentConfiguration configuration, IDictionary<string, string>? environment = null, RunMode mode = RunMode.Sandbox, TimeProvider? time = null, TextWriter? logs = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        variables.TryAdd(AgentEnvironment.StateDirVariable, TempDirectory());
        return new AgentHost(configuration, new AgentEnvironment(variables), mode, new JsonLogSink(logs ?? TextWriter.Null, SecretRedactor.None), time);
    }

    public static IAgentHandler Handler(AgentHost host, string scope = "test-scope") => HandlerFactory.Create(host, scope);

    /// <summary>Runs a task input (JSON with an op) and returns the result as JSON, as the program would write it.</summary>
    public static async Task<JsonElement> RunAsync(IAgentHandler handler, string input, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(input);
        var root = document.RootElement;
        var result = await handler.HandleAsync(root.GetProperty("op").GetString()!, root, cancellationToken);
        return JsonSerializer.SerializeToElement(result, RuntimeJson.Options);
    }

    private static readonly Lazy<string> TempRoot = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "agentruntime-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A child process still holding a file: the OS cleans the temp directory eventually.
            }
        };
        return root;
    });

    /// <summary>A fresh directory under this test run's temp root (deleted when the run ends).</summary>
    public static string TempDirectory()
    {
        var path = Path.Combine(TempRoot.Value, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Reads a value at a result path (<see cref="ResultPath"/> syntax); fails the test when absent.</summary>
    public static JsonElement At(this JsonElement result, string path)
    {
        Assert.True(ResultPath.TryParse(path, out var parsed, out var error), error);
        var matches = parsed.Select(result);
        Assert.True(matches.Count > 0, $"{path} is missing in {result}");
        return matches[0];
    }

    public static bool Has(this JsonElement result, string path) =>
        ResultPath.TryParse(path, out var parsed, out _) && parsed.Select(result).Count > 0;
}
