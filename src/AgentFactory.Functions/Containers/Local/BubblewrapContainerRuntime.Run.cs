using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Containers.Local;

public sealed partial class BubblewrapContainerRuntime
{
    /// <inheritdoc/>
    public async Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        IsolationEnvironment isolation = await EnsureIsolationAsync(cancellationToken);
        SemaphoreSlim gate = Gate(name);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Container container = Find(name, isolation) ?? throw new ContainerNotFoundException(name);
            if (container.Current is not null)
            {
                return container.Record.ToStatus();
            }

            if (container.Cgroup.Exists && container.Cgroup.Processes().Count > 0)
            {
                throw new ContainerConflictException($"Container '{name}' is running under another runtime process; stop it there.");
            }

            ContainerSpec spec = container.Spec ?? throw new InvalidOperationException(
                $"Container '{name}' was created by an earlier runtime process and has secret environment variables, which are never stored: " +
                "create it again with the same spec, then start it.");
            return await RunAsync(isolation, container, spec, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        IsolationEnvironment isolation = await EnsureIsolationAsync(cancellationToken);
        TimeSpan grace = gracePeriod ?? _options.StopGracePeriod;
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero, nameof(gracePeriod));
        SemaphoreSlim gate = Gate(name);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Container container = Find(name, isolation) ?? throw new ContainerNotFoundException(name);
            if (container.Current is not { } run)
            {
                return container.Record.ToStatus();
            }

            run.StopRequested = true;
            _logger.Stopping(name, grace);
            run.Log.Append(ContainerLogStream.Runtime, string.Create(CultureInfo.InvariantCulture, $"stop requested: SIGTERM, SIGKILL after {grace.TotalSeconds:0.###} s"));
            if (grace > TimeSpan.Zero && SignalMainProcess(container, run, NativeMethods.SigTerm))
            {
                try
                {
                    return await run.Exited.Task.WaitAsync(grace, cancellationToken);
                }
                catch (TimeoutException)
                {
                    run.Log.Append(ContainerLogStream.Runtime, "grace period over: killing every process");
                }
            }

            return await KillRunAsync(container.Cgroup, run, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Kills a run and waits for its end. Killing the cgroup is not enough right after a start: the wrapper joins
    /// the cgroup only when its first instruction runs, so the spawned process itself is killed too, until it is gone.
    /// </summary>
    private static async Task<ContainerStatus> KillRunAsync(ContainerCgroup cgroup, Run run, CancellationToken cancellationToken)
    {
        while (true)
        {
            await cgroup.KillAllAsync(cancellationToken);
            try
            {
                run.Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            try
            {
                return await run.Exited.Task.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (TimeoutException)
            {
                // Something escaped this round (a fork between the read and the kill): kill again.
            }
        }
    }

    private async Task<ContainerStatus> RunAsync(IsolationEnvironment isolation, Container container, ContainerSpec spec, CancellationToken cancellationToken)
    {
        // A fresh start after a reboot (or a cleanup) may find the cgroup gone; limits are set again either way.
        await container.Cgroup.KillAllAsync(cancellationToken);
        container.Cgroup.Create(Limits(spec));
        string work = container.Record.Info.WorkDirectory;
        PrepareWorkDirectory(isolation, work);

        bool again = container.Record.State != ContainerState.Created;
        int restarts = container.Record.RestartCount + (again ? 1 : 0);
        var log = ContainerLogFile.Open(container.LogPath, _options.MaxLogBytes, _time);
        log.Append(ContainerLogStream.Runtime, again ? $"starting again (restart {restarts}): {string.Join(' ', spec.Command)}" : $"starting: {string.Join(' ', spec.Command)}");
        long oomKillsBefore = container.Cgroup.Read().OomKills;
        Process process;
        try
        {
            process = await ProcessSpawner.StartAsync(SandboxCommand.Create(isolation, _options, spec, work, container.Cgroup));
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            _logger.StartFailed(container.Name, ex);
            log.Append(ContainerLogStream.Runtime, "could not start: " + ex.Message);
            log.Dispose();
            return container.Update(r => r with
            {
                State = ContainerState.Failed, ExitCode = null, StartedAt = null, FinishedAt = _time.GetUtcNow(), RestartCount = restarts,
                Message = "could not start: " + ex.Message,
            }).ToStatus();
        }

        // Nothing to read: the container gets end-of-file, not this process's stdin.
        process.StandardInput.Close();
        var run = new Run(process, log, oomKillsBefore);
        container.Current = run;
        ContainerRecord record = container.Update(r => r with
        {
            State = ContainerState.Running, ExitCode = null, StartedAt = _time.GetUtcNow(), FinishedAt = null, RestartCount = restarts, Message = null,
        });
        // Read before the monitor starts: a run that ends at once has its Process disposed by the monitor.
        int pid = process.Id;
        Task output = LogPump.RunAsync(process.StandardOutput, ContainerLogStream.StandardOutput, log, _options.MaxLogLineChars);
        Task error = LogPump.RunAsync(process.StandardError, ContainerLogStream.StandardError, log, _options.MaxLogLineChars);
        run.Monitor = MonitorAsync(container, run, spec, output, error);
        _logger.Started(container.Name, restarts, pid);
        return record.ToStatus();
    }

    /// <summary>Waits for the run to end, reads why from the exit code and the cgroup, and records it.</summary>
    private async Task MonitorAsync(Container container, Run run, ContainerSpec spec, Task output, Task error)
    {
        try
        {
            await run.Process.WaitForExitAsync();
            // The streams close when the PID namespace dies with its init, so this waits for the last line only.
            await Task.WhenAll(output, error);
            Record(container, run, spec, run.Process.ExitCode);
        }
        catch (Exception ex)
        {
            _logger.MonitorFailed(container.Name, ex);
            MarkFailed(container, "the runtime could not tell how it ended: " + ex.Message);
        }
        finally
        {
            // Whatever failed above, the run is over: waiters, stops and deletes must not hang on it.
            run.Log.Dispose();
            container.Current = null;
            run.Process.Dispose();
            run.Exited.TrySetResult(container.Record.ToStatus());
        }
    }

    private void MarkFailed(Container container, string message)
    {
        try
        {
            container.Update(r => r with { State = ContainerState.Failed, FinishedAt = _time.GetUtcNow(), Message = message });
        }
        catch (IOException ex)
        {
            // The record in memory is updated before it is written, so status is still right in this process.
            _logger.MonitorFailed(container.Name, ex);
        }
    }

    private void Record(Container container, Run run, ContainerSpec spec, int exitCode)
    {
        CgroupSample sample = container.Cgroup.Read();
        long oomKills = sample.OomKills - run.OomKillsBefore;
        (ContainerState state, string message) = (run.StopRequested, exitCode, oomKills) switch
        {
            (true, _, _) => (ContainerState.Stopped, "stopped on request" + ExitDescription(exitCode, prefix: ", ")),
            (_, 0, _) => (ContainerState.Succeeded, "exited with code 0"),
            (_, _, > 0) => (ContainerState.OomKilled, string.Create(CultureInfo.InvariantCulture,
                $"out of memory: {oomKills} process(es) killed for passing the {spec.MemoryBytes}-byte limit{ExitDescription(exitCode, prefix: "; then ")}")),
            _ => (ContainerState.Failed, ExitDescription(exitCode, prefix: "")),
        };
        run.Log.Append(ContainerLogStream.Runtime, message);
        if (run.Log.Dropped > 0)
        {
            run.Log.Append(ContainerLogStream.Runtime, $"{run.Log.Dropped} output line(s) dropped past the log limit");
        }

        ContainerMetrics metrics = ToMetrics(sample);
        container.Update(r => r with
        {
            State = state, ExitCode = exitCode, FinishedAt = _time.GetUtcNow(), Message = message, LastMetrics = metrics,
        });
        _logger.Ended(container.Name, state, exitCode, metrics.CpuTime.TotalSeconds, metrics.PeakMemoryBytes);
    }

    /// <summary>
    /// Signals the container's own command, as a container engine signals PID 1: the process whose pid is 2 in the
    /// sandbox's namespace (bubblewrap's init is 1). Not bubblewrap outside: ending it would kill everything at once.
    /// False when the command is already gone.
    /// </summary>
    private static bool SignalMainProcess(Container container, Run run, int signal)
    {
        int depth = NamespaceDepth("self");
        foreach (int pid in container.Cgroup.Processes())
        {
            if (pid != run.Process.Id && NamespacePids(pid.ToString(CultureInfo.InvariantCulture)) is { } pids &&
                pids.Length == depth + 1 && pids[^1] == "2")
            {
                return NativeMethods.Signal(pid, signal);
            }
        }

        return false;
    }

    private static int NamespaceDepth(string pid) => NamespacePids(pid)?.Length ?? 1;

    /// <summary>The NSpid line of /proc/PID/status: the pid in each PID namespace, outermost (as this /proc sees it) first.</summary>
    private static string[]? NamespacePids(string pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return line?["NSpid:".Length..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // The process ended meanwhile.
        }
    }

    private static string ExitDescription(int exitCode, string prefix) => exitCode switch
    {
        0 => "",
        > 128 and < 128 + 65 => string.Create(CultureInfo.InvariantCulture, $"{prefix}killed by signal {exitCode - 128}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{prefix}exited with code {exitCode}"),
    };
}
