using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>
/// cgroup detection from mount tables, and the v2 driver against a directory laid out like cgroupfs (CI machines
/// may be v2 while this one is v1, where the v1 driver is proved by the sandbox tests).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CgroupTests : IDisposable
{
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("fake-cgroup2-").FullName;

    [Fact]
    public void MountEntryParse_ReadsMountPointTypeAndSuperOptions_UnescapesOctal()
    {
        IReadOnlyList<MountEntry> mounts = MountEntry.Parse(Hybrid + "\n50 1 0:40 / /mnt/with\\040space rw shared:1 - cgroup2 cgroup2 rw,nsdelegate\n");

        Assert.Equal(("/sys/fs/cgroup/cpu", "cgroup"), (mounts[1].MountPoint, mounts[1].FileSystemType));
        Assert.Equal(["rw", "cpu"], mounts[1].SuperOptions);
        Assert.Equal(("/mnt/with space", "cgroup2"), (mounts[^1].MountPoint, mounts[^1].FileSystemType));
    }

    [Fact]
    public void Detect_HybridMachine_UsesV1WhereTheControllersAre()
    {
        CgroupDriver driver = CgroupDriver.Detect(MountEntry.Parse(Hybrid), "agentfactory");

        Assert.IsType<CgroupV1Driver>(driver);
        Assert.Equal(
            ["/sys/fs/cgroup/memory/agentfactory/c1", "/sys/fs/cgroup/cpu/agentfactory/c1", "/sys/fs/cgroup/cpuacct/agentfactory/c1", "/sys/fs/cgroup/pids/agentfactory/c1"],
            driver.For("c1").Directories);
    }

    [Fact]
    public void Detect_CoMountedCpuAndCpuacct_OneDirectoryForBoth()
    {
        CgroupDriver driver = CgroupDriver.Detect(MountEntry.Parse("""
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
            """), "af");

        Assert.Equal(["/sys/fs/cgroup/memory/af/c1", "/sys/fs/cgroup/cpu,cpuacct/af/c1"], driver.For("c1").Directories);
    }

    [Fact]
    public void Detect_NoUsableHierarchy_RefusesSayingHowToMountOne()
    {
        var refused = Assert.Throws<IsolationUnavailableException>(() =>
            CgroupDriver.Detect(MountEntry.Parse("41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"), "agentfactory"));

        Assert.Contains("mount -t cgroup2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_UnifiedMachine_UsesV2AndEnablesControllersDownToTheParent()
    {
        Write("cgroup.controllers", "cpuset cpu io memory hugetlb pids");
        Write("cgroup.subtree_control", "");
        Directory.CreateDirectory(Path.Combine(_root, "agentfactory"));
        Write("agentfactory/cgroup.subtree_control", "memory");

        CgroupDriver driver = CgroupDriver.Detect(MountEntry.Parse($"30 1 0:26 / {_root} rw - cgroup2 cgroup2 rw"), "agentfactory");
        driver.EnsureParent();

        Assert.IsType<CgroupV2Driver>(driver);
        Assert.Equal("+memory +cpu +pids", Read("cgroup.subtree_control"));
        Assert.Equal("+cpu +pids", Read("agentfactory/cgroup.subtree_control"));
    }

    [Fact]
    public void V2Cgroup_CreateAndRead_WritesLimitsAndParsesAccounting()
    {
        Write("cgroup.controllers", "cpu memory pids");
        foreach (string file in (string[])["memory.max", "memory.swap.max", "memory.oom.group", "cpu.max", "pids.max", "cgroup.procs"])
        {
            Write("af/c1/" + file, "");
        }

        Write("af/c1/cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
        Write("af/c1/memory.current", "1048576");
        Write("af/c1/memory.peak", "67108864");
        Write("af/c1/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\n");
        ContainerCgroup cgroup = new CgroupV2Driver(_root, "af").For("c1");

        cgroup.Create(new CgroupLimits(0.5m, 64L * 1024 * 1024, 100));
        CgroupSample sample = cgroup.Read();

        Assert.Equal(("67108864", "0", "1", "50000 100000", "100"),
            (Read("af/c1/memory.max"), Read("af/c1/memory.swap.max"), Read("af/c1/memory.oom.group"), Read("af/c1/cpu.max"), Read("af/c1/pids.max")));
        Assert.Equal(new CgroupSample(TimeSpan.FromSeconds(1.5), 1048576, 67108864, 1), sample);
        Assert.Equal([(Path.Combine(_root, "af/c1"), _root)], cgroup.SandboxViews);
    }

    [Fact]
    public void V2Cgroup_NoMemoryPeakFile_ReportsTheHighestCurrentSeen()
    {
        Write("af/c1/memory.current", "3000");
        ContainerCgroup cgroup = new CgroupV2Driver(_root, "af").For("c1");
        Assert.Equal(3000, cgroup.Read().PeakMemoryBytes);

        Write("af/c1/memory.current", "1000");

        Assert.Equal((1000, 3000), (cgroup.Read().MemoryBytes, cgroup.Read().PeakMemoryBytes));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private string Read(string relative) => File.ReadAllText(Path.Combine(_root, relative));
}
