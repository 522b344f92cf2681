using System.Diagnostics;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>The command line a container runs with, checked without running it.</summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxCommandTests : IDisposable
{
    // The state directory must exist to be hidden; one under /var stands for the default /var/lib kind of place.
    private readonly string _state = Path.Combine("/var/tmp", "af-state-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxCommandTests() => Directory.CreateDirectory(_state);

    private static readonly CgroupV1Driver Cgroups = new("/cg/memory", "/cg/cpu", "/cg/cpuacct", "/cg/pids", "af");

    private static readonly IsolationEnvironment Isolation = new("/usr/bin/bwrap", "/bin/sh", "/usr/bin/setpriv", new SandboxUser(65534, 65534), Cgroups);

    private ProcessStartInfo Create(bool network, params ContainerMount[] mounts) => SandboxCommand.Create(
        Isolation,
        new BubblewrapContainerRuntimeOptions { StateDirectory = _state },
        new ContainerSpec
        {
            Name = "c1",
            Command = ["/usr/bin/dotnet", "/app/agent.dll", "--flag"],
            Environment = [new("MODE", "fast"), ContainerEnvironmentVariable.Secret("KEY", "hunter2")],
            NetworkAccess = network,
            ReadOnlyMounts = mounts,
        },
        "/srv/c1/work",
        Cgroups.For("c1"));

    [Fact]
    public void Create_Secret_OnlyInTheEnvironmentNeverOnTheCommandLine()
    {
        ProcessStartInfo start = Create(network: false);

        Assert.DoesNotContain(start.ArgumentList, a => a.Contains("hunter2", StringComparison.Ordinal));
        Assert.Equal("hunter2", start.Environment["KEY"]);
        Assert.Equal("fast", start.Environment["MODE"]);
        Assert.Equal("/work", start.Environment["HOME"]);
        Assert.Equal(["HOME", "KEY", "MODE", "PATH"], start.Environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Create_JoinsEveryHierarchyThenDropsToTheSandboxUserThenBubblewrapThenTheCommand()
    {
        List<string> args = [.. Create(network: false).ArgumentList];

        Assert.Equal("/bin/sh", Create(network: false).FileName);
        Assert.Equal(["-c"], args[..1]);
        Assert.Equal(["4", "/cg/memory/af/c1/cgroup.procs", "/cg/cpu/af/c1/cgroup.procs", "/cg/cpuacct/af/c1/cgroup.procs", "/cg/pids/af/c1/cgroup.procs",
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/bwrap"], args[3..13]);
        Assert.Equal(["--", "/usr/bin/dotnet", "/app/agent.dll", "--flag"], args[^4..]);
    }

    [Fact]
    public void BubblewrapArguments_NoNetwork_UnsharesEverythingAndDropsCapabilities()
    {
        List<string> args = [.. Create(network: false).ArgumentList];

        foreach (string flag in (string[])["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session"])
        {
            Assert.Contains(flag, args);
        }

        Assert.Equal(["--cap-drop", "ALL"], Pair(args, "--cap-drop"));
        Assert.Equal(["--hostname", "c1"], Pair(args, "--hostname"));
        Assert.Equal(["--bind", "/srv/c1/work", "/work"], Triple(args, "--bind"));
        Assert.Equal(["--remount-ro", "/"], Pair(args, "--remount-ro"));
        Assert.Contains(_state, Values(args, "--tmpfs"));
        Assert.Contains("/tmp", Values(args, "--tmpfs"));
        Assert.DoesNotContain("/root", args);
        Assert.DoesNotContain("/home", args);
    }

    [Fact]
    public void BubblewrapArguments_Network_SharesTheHostNetwork_MountsAfterTheWorkDirectory()
    {
        List<string> args = [.. Create(network: true, new ContainerMount("/opt/agent", "/app")).ArgumentList];

        Assert.DoesNotContain("--unshare-net", args);
        int work = args.IndexOf("/work");
        int app = args.IndexOf("/app");
        Assert.True(work > 0 && app > work && args.IndexOf("--remount-ro") > app);
        Assert.Equal("/opt/agent", args[app - 1]);
    }

    public void Dispose() => Directory.Delete(_state);

    private static string[] Pair(List<string> args, string flag) => [.. args.Skip(args.IndexOf(flag)).Take(2)];

    private static string[] Triple(List<string> args, string flag) => [.. args.Skip(args.IndexOf(flag)).Take(3)];

    private static IEnumerable<string> Values(List<string> args, string flag) =>
        args.Select((a, i) => (a, i)).Where(p => p.a == flag).Select(p => args[p.i + 1]);
}
