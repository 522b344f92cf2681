using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;

namespace AgentFactory.AgentRuntime.Tests.Support;

/// <summary>What a finished run of the program printed, and how long it took.</summary>
internal sealed record ProgramRun(int ExitCode, IReadOnlyList<JsonElement> Lines, string Output, string Errors, TimeSpan ToLastLine, TimeSpan Total);

/// <summary>
/// The real program (AgentFactory.AgentRuntime.dll, copied next to the tests) as a child process. The child gets a
/// clean agent environment: nothing AGENT_* or SANDBOX_* leaks in from the test process.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Stopwatch clock;
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();
    private readonly List<JsonElement> lines = [];
    private readonly Lock gate = new();
    private TimeSpan lastLine;
    private TaskCompletionSource lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RuntimeProcess(ProcessStartInfo start)
    {
        clock = Stopwatch.StartNew();
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (gate)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public string Errors
    {
        get
        {
            lock (gate)
            {
                return errors.ToString();
            }
        }
    }

    public static RuntimeProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AgentFactory.AgentRuntime.dll"), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("AGENT_", StringComparison.Ordinal) || name.StartsWith("SANDBOX_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new RuntimeProcess(start);
    }

    /// <summary>Runs the program to its end with <paramref name="stdin"/> as its input.</summary>
    public static async Task<ProgramRun> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string stdin = "")
    {
        await using var program = Start(args, environment);
        await program.process.StandardInput.WriteAsync(stdin);
        program.process.StandardInput.Close();
        return await program.WaitForExitAsync();
    }

    /// <summary>Writes a configuration file for <c>--config</c> (redacted, as the sandbox hands it over).</summary>
    public static string ConfigurationFile(Core.Configuration.AgentConfiguration configuration)
    {
        var path = Path.Combine(Agents.TempDirectory(), "agent.json");
        File.WriteAllText(path, JsonSerializer.Serialize(configuration.Redacted(), Core.AgentFactoryJson.Options));
        return path;
    }

    public async Task<ProgramRun> WaitForExitAsync()
    {
        await process.WaitForExitAsync();
        process.WaitForExit(); // flushes the asynchronous output readers
        lock (gate)
        {
            return new ProgramRun(process.ExitCode, [.. lines], output.ToString(), errors.ToString(), lastLine, clock.Elapsed);
        }
    }

    /// <summary>Sends SIGTERM, as a container runtime stopping the agent does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until a line of output satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (gate)
            {
                if (lines.FirstOrDefault(condition) is { ValueKind: not JsonValueKind.Undefined } match)
                {
                    return match;
                }

                arrived = lineArrived.Task;
            }

            await arrived.WaitAsync(cancel.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource arrived;
        lock (gate)
        {
            output.AppendLine(line);
            lastLine = clock.Elapsed;
            try
            {
                using var document = JsonDocument.Parse(line);
                lines.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a JSON line: kept in Output only.
            }

            arrived = lineArrived;
            lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    internal static Dictionary<string, string> Environment(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        environment.TryAdd(AgentEnvironment.StateDirVariable, Agents.TempDirectory());
        return environment;
    }
}
