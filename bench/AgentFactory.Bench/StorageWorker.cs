using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Threading.Channels;
using AgentFactory.Durable.AzureStorage;

namespace AgentFactory.Bench;

/// <summary>What a worker process reports about itself.</summary>
internal sealed record WorkerStats(long Requests, long Tables, long Queues, long Blobs, double CpuMs, long WorkingSet, long PeakWorkingSet,
    long GcHeap, int CachedInstances, long Warnings, long Errors)
{
    public static WorkerStats Parse(string line)
    {
        string[] f = line.Split(' ');
        long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return new WorkerStats(L(1), L(2), L(3), L(4), double.Parse(f[5], CultureInfo.InvariantCulture), L(6), L(7), L(8), (int)L(9), L(10), L(11));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"S {Requests} {Tables} {Queues} {Blobs} {CpuMs:F1} {WorkingSet} {PeakWorkingSet} {GcHeap} {CachedInstances} {Warnings} {Errors}");
}

/// <summary>
/// The worker-only mode of this program (<c>AgentFactory.Bench storage-worker</c>), started by the two-process
/// and memory scenarios: the same host as <see cref="StorageHost"/>, configured from the environment
/// (AGENTFACTORY_STORAGE, TASK_HUB, WORKER_ID, PARTITIONS, as the test worker), talking over stdin/stdout:
/// <list type="bullet">
/// <item>out <c>ready</c>; <c>O 0,1</c> when the owned partitions change; <c>R|C|E id timestamp</c> per tracked commit;</item>
/// <item>in <c>stats</c> / <c>gc</c> (collect first) → out <c>S …</c>; in <c>quit</c> (or end of input) → stops gracefully.</item>
/// </list>
/// </summary>
internal static class StorageWorkerMode
{
    public static async Task<int> RunAsync()
    {
        string connection = Environment.GetEnvironmentVariable(StorageEnvironment.ConnectionVariable)
            ?? throw new InvalidOperationException($"{StorageEnvironment.ConnectionVariable} is not set.");
        var options = StorageEnvironment.ApplyOverrides(new AzureStorageOptions
        {
            ConnectionString = connection,
            TaskHubName = Environment.GetEnvironmentVariable("TASK_HUB") ?? throw new InvalidOperationException("TASK_HUB is not set."),
            WorkerId = Environment.GetEnvironmentVariable("WORKER_ID") ?? $"bench-worker-{Environment.ProcessId}",
            PartitionCount = int.Parse(Environment.GetEnvironmentVariable("PARTITIONS") ?? "4", CultureInfo.InvariantCulture),
        });

        // One writer: commit paths only enqueue a line.
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        Task writer = Task.Run(async () =>
        {
            await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            while (await lines.Reader.WaitToReadAsync())
            {
                while (lines.Reader.TryRead(out string? line))
                {
                    await output.WriteLineAsync(line);
                }

                await output.FlushAsync();
            }
        });

        StorageHost host = await StorageHost.StartAsync(options,
            (kind, id, timestamp) => lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"{(char)kind} {id} {timestamp}")));
        lines.Writer.TryWrite("ready");

        using var stop = new CancellationTokenSource();
        Task ownership = Task.Run(async () =>
        {
            string last = "-";
            while (!stop.IsCancellationRequested)
            {
                string owned = string.Join(",", host.Backend.OwnedPartitions.Order());
                if (owned != last)
                {
                    lines.Writer.TryWrite("O " + owned);
                    last = owned;
                }

                try
                {
                    await Task.Delay(50, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        using var input = new StreamReader(Console.OpenStandardInput());
        while (await input.ReadLineAsync() is { } command && command != "quit")
        {
            if (command is "stats" or "gc")
            {
                if (command == "gc")
                {
                    Measure.Collect();
                }

                lines.Writer.TryWrite(Stats(host).Format());
            }
        }

        await stop.CancelAsync();
        await ownership;
        await host.DisposeAsync();
        lines.Writer.TryComplete();
        await writer;
        return 0;
    }

    public static WorkerStats Stats(StorageHost host)
    {
        using Process self = Process.GetCurrentProcess();
        StorageRequests r = host.Backend.Requests;
        return new WorkerStats(r.Total, r.Tables, r.Queues, r.Blobs, self.TotalProcessorTime.TotalMilliseconds, self.WorkingSet64, self.PeakWorkingSet64,
            GC.GetTotalMemory(false), host.Backend.CachedInstances, host.Log.Warnings, host.Log.Errors);
    }
}

/// <summary>The parent's handle on a <c>storage-worker</c> child process.</summary>
internal sealed class StorageWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CommitBoard _board;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _statsLock = new(1, 1);
    private readonly object _gate = new();
    private readonly List<string> _errors = [];
    private TaskCompletionSource<WorkerStats>? _stats;
    private volatile int[] _owned = [];

    private StorageWorkerProcess(Process process, CommitBoard board)
    {
        _process = process;
        _board = board;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (_gate)
                {
                    if (_errors.Count < 20)
                    {
                        _errors.Add(line);
                    }
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int[] Owned => _owned;

    public int ProcessId => _process.Id;

    public static async Task<StorageWorkerProcess> StartAsync(AzureStorageOptions options, string workerId, CommitBoard board)
    {
        // This same program in its worker mode: through the apphost when there is one, else through `dotnet`.
        string path = Environment.ProcessPath ?? "dotnet";
        var start = Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? new ProcessStartInfo(path, [Assembly.GetExecutingAssembly().Location, "storage-worker"])
            : new ProcessStartInfo(path, ["storage-worker"]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment[StorageEnvironment.ConnectionVariable] = options.ConnectionString;
        start.Environment["TASK_HUB"] = options.TaskHubName;
        start.Environment["WORKER_ID"] = workerId;
        start.Environment["PARTITIONS"] = options.PartitionCount.ToString(CultureInfo.InvariantCulture);
        var worker = new StorageWorkerProcess(Process.Start(start)!, board);
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException("The storage-worker process did not get ready: " + worker.Errors());
        }

        return worker;
    }

    public async Task WaitForPartitionsAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (_owned.Length != count)
        {
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The worker process owns [{string.Join(",", _owned)}], not {count} partitions. {Errors()}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<WorkerStats> StatsAsync(bool collect = false)
    {
        await _statsLock.WaitAsync();
        try
        {
            var answer = new TaskCompletionSource<WorkerStats>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _stats, answer);
            await _process.StandardInput.WriteLineAsync(collect ? "gc" : "stats");
            await _process.StandardInput.FlushAsync();
            return await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _statsLock.Release();
        }
    }

    public string Errors()
    {
        lock (_gate)
        {
            return _errors.Count == 0 ? "(no stderr)" : string.Join(" | ", _errors.Take(5));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It is already going.
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        switch (line[0])
        {
            case 'R' or 'C' or 'E' when line.Length > 2 && line[1] == ' ':
                int space = line.LastIndexOf(' ');
                _board.Record((CommitKind)line[0], line[2..space], long.Parse(line.AsSpan(space + 1), CultureInfo.InvariantCulture));
                break;
            case 'O' when line.StartsWith("O ", StringComparison.Ordinal):
                _owned = line.Length == 2 ? [] : [.. line[2..].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
                break;
            case 'S' when line.StartsWith("S ", StringComparison.Ordinal):
                Volatile.Read(ref _stats)?.TrySetResult(WorkerStats.Parse(line));
                break;
            default:
                if (line == "ready")
                {
                    _ready.TrySetResult();
                }

                break;
        }
    }
}
