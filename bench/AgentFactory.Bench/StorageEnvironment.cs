using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AgentFactory.Durable.AzureStorage;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Bench;

/// <summary>
/// The storage the storage scenarios run on: the account in AGENTFACTORY_STORAGE, or a private Azurite started
/// (and stopped at the end) through scripts/azurite.sh. Every scenario makes its own task hub and deletes it after.
/// </summary>
internal sealed class StorageEnvironment : IAsyncDisposable
{
    public const string ConnectionVariable = "AGENTFACTORY_STORAGE";
    private readonly string? _startedDir;

    private StorageEnvironment(string connectionString, string? startedDir)
    {
        ConnectionString = connectionString;
        _startedDir = startedDir;
        AzuritePid = FindAzuritePid(connectionString);
    }

    public string ConnectionString { get; }

    /// <summary>True when this run started Azurite itself.</summary>
    public bool Started => _startedDir is not null;

    /// <summary>The Azurite serving <see cref="ConnectionString"/> on this machine, if found (its CPU time is reported).</summary>
    public int? AzuritePid { get; }

    /// <summary>The endpoint host:ports, for the header (no key).</summary>
    public string Endpoints =>
        string.Join(", ", ConnectionString.Split(';').Where(p => p.Contains("Endpoint=", StringComparison.Ordinal) && !p.StartsWith("DefaultEndpoints", StringComparison.Ordinal))
            .Select(p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    public static async Task<StorageEnvironment> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } existing)
        {
            return new StorageEnvironment(existing, null);
        }

        string dir = Path.Combine(Path.GetTempPath(), $"agentfactory-bench-azurite-{Environment.ProcessId}");
        string connection = (await RunScriptAsync("start", dir)).Trim();
        var environment = new StorageEnvironment(connection, dir);
        // Also on Ctrl-C or an unhandled exception: never leave a stray Azurite behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => environment.StopSync();
        Console.CancelKeyPress += (_, _) => environment.StopSync();
        return environment;
    }

    /// <summary>Options for a fresh task hub (engine defaults otherwise: 4 partitions, 1 s longest idle poll, …).</summary>
    public AzureStorageOptions NewHub(string purpose, string workerId = "bench-main") => ApplyOverrides(new()
    {
        ConnectionString = ConnectionString,
        TaskHubName = NewHubName(purpose),
        WorkerId = workerId,
    });

    /// <summary>
    /// Experiments: AGENTFACTORY_BENCH_OPTIONS="MaxLocalActivityBacklog=1000;MaxPollingInterval=00:00:00.2" sets backend
    /// options by name (ints and TimeSpans) in this process and in its worker children (they inherit the environment).
    /// </summary>
    public static AzureStorageOptions ApplyOverrides(AzureStorageOptions options)
    {
        foreach (string pair in Overrides.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = pair.Split('=', 2);
            System.Reflection.PropertyInfo property = typeof(AzureStorageOptions).GetProperty(kv[0])
                ?? throw new ArgumentException($"AGENTFACTORY_BENCH_OPTIONS: no option '{kv[0]}'.");
            object value = property.PropertyType == typeof(TimeSpan)
                ? TimeSpan.Parse(kv[1], CultureInfo.InvariantCulture)
                : Convert.ChangeType(kv[1], property.PropertyType, CultureInfo.InvariantCulture);
            property.SetValue(options, value);
        }

        return options;
    }

    public static string Overrides => Environment.GetEnvironmentVariable("AGENTFACTORY_BENCH_OPTIONS") ?? "";

    public static string NewHubName(string purpose) =>
        ("b" + purpose + DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6]).ToLowerInvariant();

    /// <summary>Azurite's CPU time so far (user + system), from /proc; null when it cannot be read.</summary>
    public TimeSpan? AzuriteCpu()
    {
        if (AzuritePid is not { } pid)
        {
            return null;
        }

        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Azurite's resident memory, from /proc; null when it cannot be read.</summary>
    public long? AzuriteWorkingSet()
    {
        if (AzuritePid is not { } pid)
        {
            return null;
        }

        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedDir is { } dir)
        {
            await RunScriptAsync("stop", dir);
            try
            {
                // Our private Azurite's data and log: nothing in it outlives the run (every hub was deleted).
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private void StopSync()
    {
        if (_startedDir is { } dir && File.Exists(Path.Combine(dir, "azurite.pid")))
        {
            try
            {
                RunScriptAsync("stop", dir).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Best effort at exit.
            }
        }
    }

    private static async Task<string> RunScriptAsync(string command, string dir)
    {
        string root = RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "azurite.sh"), command, dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/azurite.sh {command} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    private static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "scripts", "azurite.sh")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Cannot find scripts/azurite.sh above {AppContext.BaseDirectory}; set {ConnectionVariable} instead.");
    }

    /// <summary>The Azurite process whose command line names the table port of the connection string (scripts/azurite.sh passes it).</summary>
    private static int? FindAzuritePid(string connectionString)
    {
        string? endpoint = connectionString.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal));
        if (endpoint is null || !Uri.TryCreate(endpoint["TableEndpoint=".Length..], UriKind.Absolute, out Uri? uri) || !uri.IsLoopback)
        {
            return null;
        }

        string port = uri.Port.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid))
                {
                    continue;
                }

                try
                {
                    string[] argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                    if (argv.Any(a => a.Contains("azurite", StringComparison.OrdinalIgnoreCase)) && argv.Contains(port)
                        && argv.Any(a => a.Contains("node", StringComparison.Ordinal)))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // gone
                }
                catch (UnauthorizedAccessException)
                {
                    // not ours
                }
            }
        }
        catch (IOException)
        {
            return null;
        }

        return null;
    }
}

/// <summary>
/// A logger provider that prints nothing but counts warnings and errors (and keeps the first few), so that a
/// scenario can say whether the backend complained without a console logger's cost in the figures.
/// </summary>
internal sealed class CountingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _first = new();
    private long _warnings;
    private long _errors;

    public long Warnings => Interlocked.Read(ref _warnings);

    public long Errors => Interlocked.Read(ref _errors);

    public IReadOnlyCollection<string> First => _first;

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>"none", or counts and the first messages.</summary>
    public string Describe()
    {
        if (Warnings + Errors == 0)
        {
            return "none";
        }

        return $"{Warnings} warnings, {Errors} errors; first: {string.Join(" | ", _first.Take(3))}";
    }

    private sealed class Logger(CountingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning)
            {
                return;
            }

            if (logLevel >= LogLevel.Error)
            {
                Interlocked.Increment(ref owner._errors);
            }
            else
            {
                Interlocked.Increment(ref owner._warnings);
            }

            if (owner._first.Count < 5)
            {
                string text = $"{category.Split('.')[^1]}: {formatter(state, exception)}";
                if (exception is not null)
                {
                    text += $" ({exception.GetType().Name}: {exception.Message.Split('\n')[0]})";
                }

                owner._first.Enqueue(text.Length > 300 ? text[..300] : text);
            }
        }
    }
}
