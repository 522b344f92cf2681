namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>The limits a container's cgroup enforces.</summary>
internal sealed record CgroupLimits(decimal CpuCores, long MemoryBytes, int PidsLimit)
{
    /// <summary>The CFS period both cgroup versions use by default: 100 ms, so quota = cores × 100 ms.</summary>
    public const long CpuPeriodMicroseconds = 100_000;

    public long CpuQuotaMicroseconds => (long)decimal.Round(CpuCores * CpuPeriodMicroseconds);
}

/// <summary>What a cgroup has accounted.</summary>
internal sealed record CgroupSample(TimeSpan CpuTime, long MemoryBytes, long PeakMemoryBytes, long OomKills);

/// <summary>
/// One container's cgroup (v1: a directory in each controller's hierarchy; v2: one directory).
/// The sandbox wrapper writes its own pid into every <see cref="ProcsFiles"/> entry before it execs bubblewrap,
/// so every process of the container is accounted and limited from its first instruction.
/// </summary>
internal abstract class ContainerCgroup
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The cgroup.procs files to join.</summary>
    public abstract IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>
    /// Each cgroup directory with the hierarchy mount point it is shown at inside the sandbox, so programs that size
    /// themselves from cgroup files (the .NET GC and Environment.ProcessorCount do) see their own limits.
    /// </summary>
    public abstract IReadOnlyList<(string Directory, string MountPoint)> SandboxViews { get; }

    /// <summary>The directories that make up this cgroup.</summary>
    public abstract IReadOnlyList<string> Directories { get; }

    public bool Exists => Directories.Any(Directory.Exists);

    /// <summary>Creates the cgroup (or reuses it) and sets its limits.</summary>
    public abstract void Create(CgroupLimits limits);

    public abstract CgroupSample Read();

    /// <summary>Every process in the cgroup.</summary>
    public IReadOnlySet<int> Processes() => ProcsFiles.SelectMany(CgroupFile.ReadPids).ToHashSet();

    /// <summary>Kills every process in the cgroup and waits until it is empty.</summary>
    public virtual async Task KillAllAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(KillTimeout);
        while (Processes() is { Count: > 0 } pids)
        {
            // Loop because a process may fork between the read and the kill; a killed cgroup cannot grow for long.
            foreach (int pid in pids)
            {
                NativeMethods.Signal(pid, NativeMethods.SigKill);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the cgroup's directories; the cgroup must be empty.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        foreach (string directory in Directories)
        {
            await CgroupFile.RemoveDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        }
    }
}
