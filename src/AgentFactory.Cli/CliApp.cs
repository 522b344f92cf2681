using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary>What a command needs: the API, where to write, and whether to write JSON.</summary>
internal sealed record CliContext(FactoryClient Api, TextWriter Out, TextWriter Error, bool Json, CancellationToken CancellationToken)
{
    /// <summary>Writes the API's answer as it came (<c>--json</c>), or what <paramref name="human"/> makes of it; a success either way.</summary>
    public int Write(ApiResponse response, Action<JsonElement> human)
    {
        if (Json)
        {
            Out.WriteLine(response.Body);
            return ExitCodes.Success;
        }

        using JsonDocument document = response.Json();
        human(document.RootElement);
        return ExitCodes.Success;
    }
}

/// <summary>
/// The whole tool behind <c>Main</c>: parses the command line, finds the URL and key, runs one command and maps
/// every outcome to an exit code (<see cref="ExitCodes"/>). Tests call it in process with their own writers.
/// </summary>
internal static class CliApp
{
    public const string DefaultUrl = "http://localhost:7071";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment,
        HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        try
        {
            Arguments parsed = Arguments.Parse(args);
            string? group = parsed.NextOrNull();
            string? verb = parsed.Positionals.Count > 1 ? parsed.NextOrNull() : null;
            if (parsed.Flag("help") || group is null or "help")
            {
                (group is null && !parsed.Flag("help") ? error : output).Write(Usage.Text);
                return group is null && !parsed.Flag("help") ? ExitCodes.Usage : ExitCodes.Success;
            }

            Func<CliContext, Arguments, Task<int>> command = Find(group, verb);
            bool json = parsed.Flag("json");
            Uri url = BaseUrl(parsed.Option("url") ?? environment("AGENTFACTORY_URL") ?? DefaultUrl);
            string key = parsed.Option("key") ?? environment("AGENTFACTORY_KEY")
                ?? throw new UsageException("No key: set AGENTFACTORY_KEY (or pass --key).");
            if (key.Length == 0 || key.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c > '~'))
            {
                // Said without the key itself, which must not reach a terminal or a CI log.
                throw new UsageException("The key is empty or has characters an HTTP header cannot carry (spaces, line breaks, non-ASCII).");
            }

            using var api = new FactoryClient(url, key, handler);
            return await command(new CliContext(api, output, error, json, cancellationToken), parsed);
        }
        catch (UsageException ex)
        {
            error.WriteLine("error: " + ex.Message);
            error.WriteLine("Run 'agentfactory --help' for the commands and options.");
            return ExitCodes.Usage;
        }
        catch (ApiException ex)
        {
            Problems.Write(error, ex);
            return ExitCodes.ForStatus(ex.Status);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            error.WriteLine("error: " + ex.Message);
            return ExitCodes.Server;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A 2xx answer that is not the API's JSON: --url names another server, or a proxy answered.
            error.WriteLine($"error: the answer is not what the Agent Factory API sends ({ex.Message}); is the URL right?");
            return ExitCodes.Server;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("error: cancelled.");
            return ExitCodes.Server;
        }
    }

    private static Func<CliContext, Arguments, Task<int>> Find(string group, string? verb) => (group, verb) switch
    {
        ("templates", "list") => TemplatesCommands.ListAsync,
        ("agents", "create") => AgentsCommands.CreateAsync,
        ("agents", "status") => AgentsCommands.StatusAsync,
        ("instances", "list") => InstancesCommands.ListAsync,
        ("instances", "show") => InstancesCommands.ShowAsync,
        ("instances", "history") => InstancesCommands.HistoryAsync,
        ("instances", "raise") => InstancesCommands.RaiseAsync,
        ("instances", "suspend" or "resume" or "terminate") => (c, a) => InstancesCommands.ControlAsync(c, a, verb!),
        ("instances", "restart") => InstancesCommands.RestartAsync,
        ("instances", "purge") => InstancesCommands.PurgeAsync,
        ("templates" or "agents" or "instances", null) => throw new UsageException($"'{group}' needs a command; see 'agentfactory --help'."),
        ("templates" or "agents" or "instances", _) => throw new UsageException($"'{group} {verb}' is not a command."),
        _ => throw new UsageException($"'{group}' is not a command."),
    };

    private static Uri BaseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && url.Scheme is "http" or "https" && string.IsNullOrEmpty(url.Query)
            ? new Uri(url.AbsoluteUri.TrimEnd('/') + "/")
            : throw new UsageException($"The URL must be an absolute http(s) URL without a query; got '{text}'.");
}
