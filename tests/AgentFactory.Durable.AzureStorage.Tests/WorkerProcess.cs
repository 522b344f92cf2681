using System.Diagnostics;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>A real worker process (the TestWorker program) serving one task hub; it can be stopped gently or killed.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private string _owned = "";
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string WorkerId { get; private init; } = "";

    /// <summary>The partitions the worker last reported owning.</summary>
    public int[] Owned
    {
        get
        {
            lock (_gate)
            {
                return _owned.Length == 0 ? [] : [.. _owned.Split(',').Select(int.Parse)];
            }
        }
    }

    public static async Task<WorkerProcess> StartAsync(string taskHub, string workerId, int partitions = 4)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "AgentFactory.Durable.AzureStorage.TestWorker.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AGENTFACTORY_STORAGE"] = Azurite.ConnectionString;
        start.Environment["TASK_HUB"] = taskHub;
        start.Environment["WORKER_ID"] = workerId;
        start.Environment["PARTITIONS"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var worker = new WorkerProcess(Process.Start(start)!) { WorkerId = workerId };
        await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    /// <summary>Waits until the worker reports an ownership that satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForOwnershipAsync(Func<int[], bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(Owned))
            {
                return;
            }

            await changed.WaitAsync(cts.Token);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs; leases stay until they expire or the same worker id comes back.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: graceful shutdown, partitions released.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("owned: [", StringComparison.Ordinal))
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _owned = line["owned: [".Length..^1];
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }
}
