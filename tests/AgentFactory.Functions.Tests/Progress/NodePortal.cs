using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// <c>tests/node/progress-portal.mjs</c> — a portal's live-progress code on the official <c>@azure/web-pubsub-client</c>
/// — as a child process: commands go to its stdin, its JSON answers are collected from stdout.
/// </summary>
internal sealed class NodePortal : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<JsonElement> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public NodePortal(Uri baseAddress, string key, string deploymentId, string protocol = "reliable")
    {
        string root = RepositoryRoot();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Path.Combine(root, "tests", "node", "progress-portal.mjs"), baseAddress.AbsoluteUri.TrimEnd('/'), key, deploymentId, protocol })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                using JsonDocument line = JsonDocument.Parse(e.Data);
                _lines.Enqueue(line.RootElement.Clone());
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _errors.Enqueue(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IEnumerable<JsonElement> Lines => _lines;

    public string Errors => string.Join('\n', _errors);

    public IEnumerable<JsonElement> Events => _lines.Where(l => Type(l) == "event");

    public long Last => Events.Select(e => e.GetProperty("sequence").GetInt64()).DefaultIfEmpty(0).Max();

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the first line (after <paramref name="skip"/> lines) that satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what, int skip = 0, TimeSpan? timeout = null)
    {
        JsonElement found = default;
        await Containers.Eventually.TrueAsync(() =>
        {
            if (_process.HasExited && !_lines.Skip(skip).Any(match))
            {
                throw new InvalidOperationException($"The node portal exited ({_process.ExitCode}) before {what}: {Errors}");
            }

            foreach (JsonElement line in _lines.Skip(skip))
            {
                if (match(line))
                {
                    found = line;
                    return Task.FromResult(true);
                }
            }

            return Task.FromResult(false);
        }, timeout ?? TimeSpan.FromSeconds(60), what + " (stderr: " + Errors + ")");
        return found;
    }

    /// <summary>Sends <paramref name="command"/> and waits for its answer of type <paramref name="answer"/>.</summary>
    public async Task<JsonElement> AskAsync(string command, string answer, TimeSpan? timeout = null)
    {
        int before = _lines.Count;
        await SendAsync(command);
        return await WaitForAsync(l => Type(l) == answer, $"'{answer}' after '{command}'", before, timeout);
    }

    public static string? Type(JsonElement line) => line.GetProperty("type").GetString();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SendAsync("exit");
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "node")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (package.json, tests/node) was not found above " + AppContext.BaseDirectory);
    }
}
