using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Sandbox;
using AgentFactory.AgentRuntime.SandboxEndpoint;
using AgentFactory.AgentRuntime.Service;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;

namespace AgentFactory.AgentRuntime;

/// <summary>
/// The program: parses the command, loads the configuration, and runs the mode. Exit codes: 0 done, 1 a task could
/// not run or (with --assert) an assertion failed or health is stale, 2 bad arguments or configuration.
/// </summary>
internal static class RuntimeProgram
{
    public const int Ok = 0;
    public const int TasksFailed = 1;
    public const int UsageError = 2;
    private static readonly TimeSpan DefaultTaskTimeout = TimeSpan.FromSeconds(300);

    // How long a sandbox waits for its test endpoint (a sidecar in Container Instances starts with it).
    private static readonly TimeSpan EndpointWait = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, AgentEnvironment environment, TextReader input, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var command = CommandLine.Parse(args, out var problem);
        if (command is null || command.Has("--help"))
        {
            await error.WriteLineAsync(command is null ? problem + Environment.NewLine + CommandLine.Usage : CommandLine.Usage);
            return command is null ? UsageError : Ok;
        }

        switch (command.Command)
        {
            case "health":
                // The platform sets AGENT_STATE_DIR; without it, --config names the agent whose default directory to read.
                var stateDirectory = environment.Get(AgentEnvironment.StateDirVariable)
                    ?? (LoadConfiguration(command.Get("--config"), out _) is { } agent ? environment.StateDirectory(agent.Name) : ".");
                return Heartbeat.Check(Path.Combine(stateDirectory, Heartbeat.FileName), TimeSpan.FromSeconds(command.Number("--max-age") ?? 60), TimeProvider.System, output);
            case "endpoint":
                return await ServeEndpointAsync((int)(command.Number("--port") ?? 0), output, stop);
            case "sandbox" or "service":
                break;
            default:
                await error.WriteLineAsync($"Unknown command '{command.Command}'.{Environment.NewLine}{CommandLine.Usage}");
                return UsageError;
        }

        // Until the configuration is read, only the storage credentials are known secrets.
        var bootLogs = new JsonLogSink(error, new SecretRedactor([environment.Storage]));
        var bootLogger = bootLogs.CreateLogger("runtime");
        if (LoadConfiguration(command.Get("--config"), out var loadProblem) is not { } configuration)
        {
            Log.StartFailed(bootLogger, loadProblem);
            return UsageError;
        }

        var redactor = SecretRedactor.For(configuration, environment);
        var mode = command.Command == "sandbox" ? RunMode.Sandbox : RunMode.Service;

        // The sandbox's stdout carries results, so its logs go to stderr; a service logs to stdout like any container.
        var logs = new JsonLogSink(mode == RunMode.Sandbox ? error : output, redactor);
        var logger = logs.CreateLogger("runtime");
        using var host = new AgentHost(configuration, environment, mode, logs);
        Log.Starting(logger, configuration.Name, configuration.TemplateId, configuration.TemplateVersion, JsonNamingPolicy.CamelCase.ConvertName(host.Kind.ToString()), command.Command);
        var timeout = command.Number("--task-timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(environment.GetInt(AgentEnvironment.TaskTimeoutVariable, (int)DefaultTaskTimeout.TotalSeconds, 1, 86_400));
        var runner = new TaskRunner(redactor, logs.CreateLogger("tasks"), timeout);

        int exit;
        try
        {
            if (mode == RunMode.Sandbox)
            {
                exit = await RunSandboxAsync(command.Get("--tasks"), host, runner, output, redactor, command.Has("--assert"), logger, input, stop);
            }
            else if (ServiceOptions.From(environment, configuration.Name) is { } options)
            {
                exit = await new ServiceMode(host, runner, options, logger).RunAsync(stop);
            }
            else
            {
                Log.StartFailed(logger, $"service mode needs {AgentEnvironment.StorageVariable} (the storage account of the agent's queue)");
                return UsageError;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A signal cut a sandbox run (or a service's start-up) short: not every task ran.
            exit = TasksFailed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage unreachable at start, a setting the agent cannot use: one structured line, not a stack dump.
            Log.AgentFailed(logger, e);
            exit = TasksFailed;
        }

        Log.Stopped(logger, stop.IsCancellationRequested ? "signal" : "done");
        return exit;
    }

    private static async Task<int> RunSandboxAsync(string? tasks, AgentHost host, TaskRunner runner, TextWriter output, SecretRedactor redactor, bool assert, Microsoft.Extensions.Logging.ILogger logger, TextReader input, CancellationToken stop)
    {
        var sandbox = new SandboxMode(host, runner, output, redactor, assert, logger);
        if (host.Environment.SandboxHttp is { } endpoint && !await EndpointReadiness.WaitAsync(endpoint, EndpointWait, stop))
        {
            Log.EndpointNotReady(logger, endpoint.GetLeftPart(UriPartial.Authority), (int)EndpointWait.TotalSeconds);
        }

        if (tasks is null or "-")
        {
            return await sandbox.RunAsync(input, stop);
        }

        if (!File.Exists(tasks))
        {
            Log.StartFailed(logger, $"the tasks file '{tasks}' does not exist");
            return UsageError;
        }

        using var reader = File.OpenText(tasks);
        return await sandbox.RunAsync(reader, stop);
    }

    private static AgentConfiguration? LoadConfiguration(string? path, out string problem)
    {
        problem = "";
        if (path is null || !File.Exists(path))
        {
            problem = path is null ? "--config <file.json> is required" : $"the configuration file '{path}' does not exist";
            return null;
        }

        try
        {
            var configuration = JsonSerializer.Deserialize<AgentConfiguration>(File.ReadAllText(path), AgentFactoryJson.Options);
            if (configuration?.Settings is null || configuration.Capabilities is null || string.IsNullOrEmpty(configuration.Name))
            {
                problem = "the configuration has no name, capabilities or settings";
                return null;
            }

            return configuration;
        }
        catch (JsonException e)
        {
            // The reader's message names the path and position, never a value.
            problem = $"the configuration is not a valid AgentConfiguration: {e.Message}";
            return null;
        }
    }

    private static async Task<int> ServeEndpointAsync(int port, TextWriter output, CancellationToken stop)
    {
        await using var endpoint = SandboxHttpEndpoint.Start(port);
        await output.WriteLineAsync(JsonSerializer.Serialize(new { sandboxHttp = endpoint.BaseAddress.AbsoluteUri.TrimEnd('/') }, RuntimeJson.Options));
        await output.FlushAsync(stop);
        await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        return Ok;
    }
}
