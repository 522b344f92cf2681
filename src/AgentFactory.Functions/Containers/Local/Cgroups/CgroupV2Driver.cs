using System.Globalization;

namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>cgroup v2: one unified hierarchy; controllers must be enabled in each ancestor's subtree_control.</summary>
internal sealed class CgroupV2Driver(string root, string parent) : CgroupDriver
{
    public static readonly IReadOnlySet<string> RequiredControllers = new HashSet<string>(StringComparer.Ordinal) { "memory", "cpu" };

    public override string Description => $"cgroup v2 ({root}; parent {parent})";

    public static IReadOnlySet<string> AvailableControllers(string directory)
    {
        string path = Path.Combine(directory, "cgroup.controllers");
        return File.Exists(path)
            ? CgroupFile.Read(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    public override IReadOnlyList<string> ParentDirectories => [Path.Combine(root, parent)];

    public override void EnsureParent()
    {
        string[] wanted = [.. new[] { "memory", "cpu", "pids" }.Where(AvailableControllers(root).Contains)];
        string current = root;
        foreach (string segment in parent.Split('/'))
        {
            EnableControllers(current, wanted);
            current = Path.Combine(current, segment);
            Directory.CreateDirectory(current);
        }

        EnableControllers(current, wanted);
    }

    public override ContainerCgroup For(string containerName) => new Cgroup(Path.Combine(root, parent, containerName), root);

    private static void EnableControllers(string directory, string[] wanted)
    {
        string path = Path.Combine(directory, "cgroup.subtree_control");
        HashSet<string> enabled = [.. CgroupFile.Read(path).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        string[] missing = [.. wanted.Where(c => !enabled.Contains(c))];
        if (missing.Length == 0)
        {
            return;
        }

        try
        {
            CgroupFile.Write(path, string.Join(' ', missing.Select(c => "+" + c)));
        }
        catch (IOException ex)
        {
            // EBUSY: v2 forbids enabling controllers for children of a cgroup that holds processes itself
            // ("no internal processes"), which is the case at the root of a container's cgroup namespace.
            throw new IsolationUnavailableException(
                $"Cannot enable the {string.Join(", ", missing)} controllers in {directory} ({ex.Message}). " +
                "cgroup v2 allows that only in a cgroup without processes of its own: move this machine's processes into a leaf " +
                "(mkdir /sys/fs/cgroup/init && for p in $(cat /sys/fs/cgroup/cgroup.procs); do echo $p > /sys/fs/cgroup/init/cgroup.procs; done), " +
                "or give the runtime a delegated cgroup (systemd-run --scope -p Delegate=yes) and set its CgroupParent below it.",
                ex);
        }
    }

    private sealed class Cgroup(string directory, string root) : ContainerCgroup
    {
        // Sampled peak for kernels before 5.19, which have no memory.peak.
        private long _peakSeen;

        public override IReadOnlyList<string> Directories { get; } = [directory];

        public override IReadOnlyList<(string Directory, string MountPoint)> SandboxViews { get; } = [(directory, root)];

        public override IReadOnlyList<string> ProcsFiles { get; } = [Path.Combine(directory, "cgroup.procs")];

        public override void Create(CgroupLimits limits)
        {
            Directory.CreateDirectory(directory);
            CgroupFile.Write(Path.Combine(directory, "memory.max"), limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
            // No swap, so the limit kills instead of swapping; and an OOM kill takes the whole container, as in a real one.
            CgroupFile.WriteIfPresent(Path.Combine(directory, "memory.swap.max"), "0");
            CgroupFile.WriteIfPresent(Path.Combine(directory, "memory.oom.group"), "1");
            CgroupFile.Write(Path.Combine(directory, "cpu.max"),
                string.Create(CultureInfo.InvariantCulture, $"{limits.CpuQuotaMicroseconds} {CgroupLimits.CpuPeriodMicroseconds}"));
            CgroupFile.WriteIfPresent(Path.Combine(directory, "pids.max"), limits.PidsLimit.ToString(CultureInfo.InvariantCulture));
        }

        public override CgroupSample Read()
        {
            long current = CgroupFile.ReadNumber(Path.Combine(directory, "memory.current")) ?? 0;
            _peakSeen = Math.Max(_peakSeen, current);
            return new CgroupSample(
                TimeSpan.FromMicroseconds(CgroupFile.ReadKeyed(Path.Combine(directory, "cpu.stat"), "usage_usec") ?? 0),
                current,
                CgroupFile.ReadNumber(Path.Combine(directory, "memory.peak")) ?? _peakSeen,
                CgroupFile.ReadKeyed(Path.Combine(directory, "memory.events"), "oom_kill") ?? 0);
        }

        public override async Task KillAllAsync(CancellationToken cancellationToken)
        {
            // cgroup.kill (Linux 5.14) kills every process at once, including ones forked meanwhile.
            CgroupFile.WriteIfPresent(Path.Combine(directory, "cgroup.kill"), "1");
            await base.KillAllAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
