using System.Globalization;

namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>cgroup v1: one hierarchy per controller (some may be co-mounted, e.g. cpu,cpuacct).</summary>
internal sealed class CgroupV1Driver(string memory, string cpu, string cpuacct, string? pids, string parent) : CgroupDriver
{
    public override string Description => $"cgroup v1 (memory {memory}, cpu {cpu}, cpuacct {cpuacct}, pids {pids ?? "not mounted"}; parent {parent})";

    public override IReadOnlyList<string> ParentDirectories => [.. Hierarchies().Select(h => Path.Combine(h, parent))];

    public override void EnsureParent()
    {
        foreach (string hierarchy in Hierarchies())
        {
            Directory.CreateDirectory(Path.Combine(hierarchy, parent));
        }
    }

    public override ContainerCgroup For(string containerName) =>
        new Cgroup(
            Path.Combine(memory, parent, containerName),
            Path.Combine(cpu, parent, containerName),
            Path.Combine(cpuacct, parent, containerName),
            pids is null ? null : Path.Combine(pids, parent, containerName),
            [.. Hierarchies().Select(h => (Path.Combine(h, parent, containerName), h))]);

    private IEnumerable<string> Hierarchies() => new[] { memory, cpu, cpuacct, pids }.OfType<string>().Distinct(StringComparer.Ordinal);

    private sealed class Cgroup(string memory, string cpu, string cpuacct, string? pids, IReadOnlyList<(string, string)> views) : ContainerCgroup
    {
        public override IReadOnlyList<(string Directory, string MountPoint)> SandboxViews => views;

        public override IReadOnlyList<string> Directories { get; } =
            [.. new[] { memory, cpu, cpuacct, pids }.OfType<string>().Distinct(StringComparer.Ordinal)];

        public override IReadOnlyList<string> ProcsFiles => [.. Directories.Select(d => Path.Combine(d, "cgroup.procs"))];

        public override void Create(CgroupLimits limits)
        {
            foreach (string directory in Directories)
            {
                Directory.CreateDirectory(directory);
            }

            string bytes = limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
            // memsw (memory + swap) must stay >= the memory limit, so lower it last and raise it first.
            string memsw = Path.Combine(memory, "memory.memsw.limit_in_bytes");
            long? currentMemsw = CgroupFile.ReadNumber(memsw);
            if (currentMemsw is { } existing && existing < limits.MemoryBytes)
            {
                CgroupFile.Write(memsw, bytes);
            }

            CgroupFile.Write(Path.Combine(memory, "memory.limit_in_bytes"), bytes);
            if (currentMemsw is not null)
            {
                // With swap accounting on, the same figure for memory+swap means the limit cannot be escaped into swap.
                CgroupFile.Write(memsw, bytes);
            }

            // Without swap accounting this at least keeps the kernel from swapping the container instead of killing it.
            CgroupFile.WriteIfPresent(Path.Combine(memory, "memory.swappiness"), "0");
            CgroupFile.Write(Path.Combine(cpu, "cpu.cfs_period_us"), CgroupLimits.CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            CgroupFile.Write(Path.Combine(cpu, "cpu.cfs_quota_us"), limits.CpuQuotaMicroseconds.ToString(CultureInfo.InvariantCulture));
            if (pids is not null)
            {
                CgroupFile.Write(Path.Combine(pids, "pids.max"), limits.PidsLimit.ToString(CultureInfo.InvariantCulture));
            }
        }

        public override CgroupSample Read() => new(
            TimeSpan.FromTicks((CgroupFile.ReadNumber(Path.Combine(cpuacct, "cpuacct.usage")) ?? 0) / 100),
            CgroupFile.ReadNumber(Path.Combine(memory, "memory.usage_in_bytes")) ?? 0,
            CgroupFile.ReadNumber(Path.Combine(memory, "memory.max_usage_in_bytes")) ?? 0,
            // oom_kill appeared in memory.oom_control in Linux 4.13; older kernels only say under_oom.
            CgroupFile.ReadKeyed(Path.Combine(memory, "memory.oom_control"), "oom_kill") ?? 0);
    }
}
