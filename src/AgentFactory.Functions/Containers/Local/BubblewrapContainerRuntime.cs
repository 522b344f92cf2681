using System.Collections.Concurrent;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers.Local.Cgroups;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>
/// Runs containers on this machine: each one's command under bubblewrap (read-only system directories, private
/// /tmp, its own PID, IPC, UTS and cgroup namespaces, no network unless asked, an unprivileged user, no
/// capabilities, killed with this process) inside a cgroup (v1 or v2) that limits CPU, memory and processes and
/// accounts CPU time and peak memory. Before the first container it proves the machine can do all that and
/// otherwise throws <see cref="IsolationUnavailableException"/>: it never runs anything unisolated.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class BubblewrapContainerRuntime : IContainerRuntime, IAsyncDisposable
{
    private const UnixFileMode TraverseOnly =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly BubblewrapContainerRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _isolationGate = new(1, 1);
    private IsolationEnvironment? _isolation;
    private SpecHasher? _hasher;

    /// <summary>Creates the runtime; the isolation check runs on first use (or <see cref="CheckIsolationAsync"/>).</summary>
    public BubblewrapContainerRuntime(BubblewrapContainerRuntimeOptions options, ILogger<BubblewrapContainerRuntime>? logger = null,
        TimeProvider? timeProvider = null)
    {
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Proves this machine can isolate containers and describes how (bubblewrap path, cgroup version, sandbox user).
    /// Throws <see cref="IsolationUnavailableException"/> listing what is missing and how to fix it.
    /// </summary>
    public async Task<string> CheckIsolationAsync(CancellationToken cancellationToken = default) =>
        (await EnsureIsolationAsync(cancellationToken)).Description;

    /// <inheritdoc/>
    public async Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        spec.Validate();
        if (spec.Sidecars.Count > 0)
        {
            // Bubblewrap containers with network share the host's: sidecars would need ports of their own there.
            throw new ArgumentException($"Container '{spec.Name}' has sidecars; the local runtime runs none (run the helper on the host instead).", nameof(spec));
        }

        IsolationEnvironment isolation = await EnsureIsolationAsync(cancellationToken);
        string hash = _hasher!.Hash(spec);
        SemaphoreSlim gate = Gate(spec.Name);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Find(spec.Name, isolation) is { } existing)
            {
                if (existing.Record.SpecHash != hash)
                {
                    throw new ContainerConflictException(
                        $"A container named '{spec.Name}' already exists with a different spec: delete it first, or use another name.");
                }

                existing.Spec ??= spec;
                // Same hash, same files: this only puts back one that went missing.
                await WorkFiles.WriteAsync(existing.Record.Info.WorkDirectory, spec.Files, cancellationToken);
                return existing.Record.Info;
            }

            string directory = Path.Combine(_options.StateDirectory, spec.Name);
            Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, TraverseOnly);
            string work = spec.WorkDirectory ?? Path.Combine(directory, "work");
            PrepareWorkDirectory(isolation, work);
            await WorkFiles.WriteAsync(work, spec.Files, cancellationToken);
            ContainerCgroup cgroup = isolation.Cgroups.For(spec.Name);
            cgroup.Create(Limits(spec));
            var record = new ContainerRecord(ContainerInfo.From(spec, work, _time.GetUtcNow()), hash, spec.WorkDirectory is null,
                ContainerState.Created, null, null, null, 0, null, null);
            record.Save(Container.RecordPathOf(directory));
            _containers[spec.Name] = new Container(spec.Name, directory, cgroup, record) { Spec = spec };
            _logger.Created(spec.Name, spec.CpuCores, spec.MemoryBytes, spec.NetworkAccess, string.Join(',', spec.Environment.Select(e => e.Name)));
            return record.Info;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name, await EnsureIsolationAsync(cancellationToken))?.Record.Info;

    /// <inheritdoc/>
    public async Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetRequiredAsync(name, cancellationToken)).Record.ToStatus();

    /// <inheritdoc/>
    public async Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default)
    {
        Container container = await GetRequiredAsync(name, cancellationToken);
        return container.Current is { } run
            ? await run.Exited.Task.WaitAsync(cancellationToken)
            : container.Record.ToStatus();
    }

    /// <inheritdoc/>
    public async Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default)
    {
        Container container = await GetRequiredAsync(name, cancellationToken);
        return ContainerLogFile.Read(container.LogPath, after, maxLines);
    }

    /// <inheritdoc/>
    public async Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default)
    {
        Container container = await GetRequiredAsync(name, cancellationToken);
        return container.Cgroup.Exists
            ? ToMetrics(container.Cgroup.Read())
            : container.Record.LastMetrics ?? new ContainerMetrics(TimeSpan.Zero, 0, 0, 0, _time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default)
    {
        IsolationEnvironment isolation = await EnsureIsolationAsync(cancellationToken);
        SemaphoreSlim gate = Gate(name);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Container? container = Find(name, isolation);
            string directory = Path.Combine(_options.StateDirectory, name);
            ContainerCgroup cgroup = container?.Cgroup ?? isolation.Cgroups.For(name);
            bool existed = container is not null || cgroup.Exists || Directory.Exists(directory);
            if (container?.Current is { } run)
            {
                run.StopRequested = true;
                run.Log.Append(ContainerLogStream.Runtime, "deleted: killing every process");
            }

            // Also covers a cgroup left by a crash halfway through a create, which has no record.
            if (container?.Current is { } killed)
            {
                await KillRunAsync(cgroup, killed, cancellationToken);
            }
            else
            {
                await cgroup.KillAllAsync(cancellationToken);
            }

            await cgroup.DeleteAsync(cancellationToken);
            // A work directory named by the spec is not ours to delete; only the record and log go.
            string work = Path.Combine(directory, "work");
            if (container is not { Record.OwnsWorkDirectory: false } && Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            if (Directory.Exists(directory))
            {
                File.Delete(Container.RecordPathOf(directory));
                if (!keepLogs)
                {
                    Directory.Delete(directory, recursive: true);
                }
            }

            _containers.TryRemove(name, out _);
            _logger.Deleted(name, keepLogs);
            return existed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Kills the containers this runtime is running (they would die with the process anyway); their state stays.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Container container in _containers.Values)
        {
            if (container.Current is { } run)
            {
                run.StopRequested = true;
                await container.Cgroup.KillAllAsync(CancellationToken.None);
                await run.Exited.Task;
            }
        }

        foreach (SemaphoreSlim gate in _gates.Values)
        {
            gate.Dispose();
        }

        _isolationGate.Dispose();
    }

    /// <summary>The cgroup driver in use (for tests and cleanup tools).</summary>
    internal async Task<CgroupDriver> CgroupsAsync(CancellationToken cancellationToken = default) =>
        (await EnsureIsolationAsync(cancellationToken)).Cgroups;

    private async Task<IsolationEnvironment> EnsureIsolationAsync(CancellationToken cancellationToken)
    {
        if (_isolation is { } ready)
        {
            return ready;
        }

        await _isolationGate.WaitAsync(cancellationToken);
        try
        {
            if (_isolation is null)
            {
                Directory.CreateDirectory(_options.StateDirectory);
                // The sandbox user must pass through to its work directory, but not list other containers.
                File.SetUnixFileMode(_options.StateDirectory, TraverseOnly);
                IsolationEnvironment isolation = await IsolationCheck.RunAsync(_options, cancellationToken);
                _hasher = SpecHasher.Open(_options.StateDirectory);
                _isolation = isolation;
                _logger.IsolationReady(isolation.Description);
            }

            return _isolation;
        }
        finally
        {
            _isolationGate.Release();
        }
    }

    private async Task<Container> GetRequiredAsync(string name, CancellationToken cancellationToken) =>
        Find(name, await EnsureIsolationAsync(cancellationToken)) ?? throw new ContainerNotFoundException(name);

    /// <summary>
    /// The container in memory, or from its record on disk (made by an earlier runtime process). A record that says
    /// Running while its cgroup is empty belongs to a run that died with its runtime (--die-with-parent): it is
    /// marked failed. A non-empty cgroup means another live runtime runs it, and it is left alone.
    /// </summary>
    private Container? Find(string name, IsolationEnvironment isolation)
    {
        if (!ContainerSpec.IsValidName(name))
        {
            // Also what keeps a name from ever being a path.
            throw new ArgumentException($"'{name}' is not a valid container name.", nameof(name));
        }

        if (_containers.TryGetValue(name, out Container? known))
        {
            return known;
        }

        string directory = Path.Combine(_options.StateDirectory, name);
        if (ContainerRecord.Load(Container.RecordPathOf(directory)) is not { } record)
        {
            return null;
        }

        var container = new Container(name, directory, isolation.Cgroups.For(name), record) { Spec = record.RebuildSpec() };
        if (record.State == ContainerState.Running && container.Cgroup.Processes().Count == 0)
        {
            container.Update(r => r with { State = ContainerState.Failed, Message = "its runtime process ended while it was running" });
            _logger.Orphaned(name);
        }

        return _containers.GetOrAdd(name, container);
    }

    private void PrepareWorkDirectory(IsolationEnvironment isolation, string work)
    {
        Directory.CreateDirectory(work);
        if (isolation.SandboxUser is { } user)
        {
            NativeMethods.ChangeOwner(work, user.UserId, user.GroupId);
        }
    }

    private SemaphoreSlim Gate(string name) => _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));

    private CgroupLimits Limits(ContainerSpec spec) => new(spec.CpuCores, spec.MemoryBytes, _options.PidsLimit);

    private ContainerMetrics ToMetrics(CgroupSample sample) =>
        new(sample.CpuTime, sample.MemoryBytes, sample.PeakMemoryBytes, sample.OomKills, _time.GetUtcNow());
}
