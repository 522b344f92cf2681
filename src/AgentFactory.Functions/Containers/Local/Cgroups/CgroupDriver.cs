namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>
/// The cgroup hierarchy of this machine (v1 or v2) under the runtime's parent cgroup. Hybrid machines (v1
/// controllers plus an empty v2 mount, as systemd's hybrid mode makes) use v1, where the controllers are.
/// </summary>
internal abstract class CgroupDriver
{
    public abstract string Description { get; }

    /// <summary>Creates the parent cgroup and makes the controllers available to containers below it.</summary>
    public abstract void EnsureParent();

    /// <summary>The parent cgroup's directories (v1: one per hierarchy), e.g. to remove it when no container is left.</summary>
    public abstract IReadOnlyList<string> ParentDirectories { get; }

    /// <summary>The cgroup of a container (not created).</summary>
    public abstract ContainerCgroup For(string containerName);

    /// <summary>
    /// Picks the driver from the machine's mounts. Throws <see cref="IsolationUnavailableException"/> saying
    /// what is missing when neither version has the memory and cpu controllers.
    /// </summary>
    public static CgroupDriver Detect(IReadOnlyList<MountEntry> mounts, string parent)
    {
        string[] segments = parent.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".."))
        {
            throw new ArgumentException($"Cgroup parent '{parent}' must be a relative path such as 'agentfactory'.", nameof(parent));
        }

        string? V1(string controller) =>
            mounts.LastOrDefault(m => m.FileSystemType == "cgroup" && m.SuperOptions.Contains(controller))?.MountPoint;

        if (V1("memory") is { } memory)
        {
            string? cpu = V1("cpu"), cpuacct = V1("cpuacct");
            return cpu is null || cpuacct is null
                ? throw new IsolationUnavailableException(
                    $"cgroup v1 has the memory controller at {memory} but not cpu and cpuacct: mount them " +
                    "(mount -t cgroup -o cpu,cpuacct cgroup /sys/fs/cgroup/cpu,cpuacct) or switch the machine to cgroup v2.")
                : new CgroupV1Driver(memory, cpu, cpuacct, V1("pids"), string.Join('/', segments));
        }

        MountEntry? unified = mounts.Where(m => m.FileSystemType == "cgroup2")
            .OrderByDescending(m => m.MountPoint == "/sys/fs/cgroup")
            .FirstOrDefault(m => CgroupV2Driver.AvailableControllers(m.MountPoint).IsSupersetOf(CgroupV2Driver.RequiredControllers));
        return unified is not null
            ? new CgroupV2Driver(unified.MountPoint, string.Join('/', segments))
            : throw new IsolationUnavailableException(
                "No cgroup hierarchy with the memory and cpu controllers is mounted, so CPU and memory cannot be limited: " +
                "mount cgroup v2 (mount -t cgroup2 none /sys/fs/cgroup) or the v1 memory, cpu and cpuacct controllers; " +
                "in a container, run it with a writable cgroup mount (e.g. docker run --privileged --cgroupns=host).");
    }
}
