using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>The isolation really holds: network, memory, CPU, file system, processes.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class BubblewrapIsolationTests(SandboxFixture fixture, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private readonly BubblewrapContainerRuntime _runtime = fixture.Runtime;

    [Fact(Timeout = 60_000)]
    public async Task Network_Off_ConnectToAHostListenerIsRefused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<TcpClient> accepted = listener.AcceptTcpClientAsync();

        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) =
            await fixture.RunAsync(fixture.Shell($"exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected'"));

        Assert.Equal(ContainerState.Failed, status.State);
        Assert.DoesNotContain("connected", SandboxFixture.Output(log));
        Assert.False(accepted.IsCompleted);
    }

    [Fact(Timeout = 60_000)]
    public async Task Network_On_ConnectToAHostListenerSucceeds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<TcpClient> accepted = listener.AcceptTcpClientAsync();

        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) =
            await fixture.RunAsync(fixture.Shell($"exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected'", network: true));

        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Contains("connected", SandboxFixture.Output(log));
        using TcpClient client = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 60_000)]
    public async Task Memory_AllocatesPastTheLimit_OomKilledAndCounted()
    {
        // tail keeps everything since the last newline, and /dev/zero has none: 200 MiB against a 64 MiB limit.
        ContainerSpec spec = fixture.Shell("head -c 200M /dev/zero | tail", memoryBytes: 64 * MiB);

        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(spec);
        ContainerMetrics metrics = await _runtime.GetMetricsAsync(spec.Name);

        output.WriteLine($"{status.Message}; peak {metrics.PeakMemoryBytes / MiB} MiB, OOM kills {metrics.OomKillCount}");
        Assert.Equal(ContainerState.OomKilled, status.State);
        Assert.Equal(137, status.ExitCode);
        Assert.StartsWith("out of memory", status.Message, StringComparison.Ordinal);
        Assert.True(metrics.OomKillCount >= 1);
        Assert.InRange(metrics.PeakMemoryBytes, 32 * MiB, 64 * MiB);
        Assert.Equal(status.Message, log[^1].Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cpu_BusyLoopUnderHalfACore_ReportsCpuTimeAboutHalfTheWallTime()
    {
        ContainerSpec spec = fixture.Shell("timeout 2 sh -c 'while :; do :; done'; exit 0", cpuCores: 0.5m);

        (ContainerStatus status, _) = await fixture.RunAsync(spec);
        ContainerMetrics metrics = await _runtime.GetMetricsAsync(spec.Name);

        TimeSpan wall = status.FinishedAt!.Value - status.StartedAt!.Value;
        output.WriteLine($"busy loop at 0.5 core: wall {wall.TotalSeconds:F2} s, CPU {metrics.CpuTime.TotalSeconds:F2} s (ratio {wall / metrics.CpuTime:F2})");
        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.True(metrics.CpuTime > TimeSpan.FromSeconds(0.2), $"CPU time {metrics.CpuTime}");
        // Loose: the quota must hold (an unlimited loop on a free core would use ~1 s per wall second).
        Assert.True(metrics.CpuTime < wall * 0.75, $"CPU {metrics.CpuTime} of {wall} wall: the 0.5 core limit did not hold");
    }

    [Fact(Timeout = 60_000)]
    public async Task FileSystem_RootReadOnlyWorkWritableTmpPrivateHostPrivateDirsAbsent()
    {
        string hostFile = Path.Combine(Path.GetTempPath(), "host-visible-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(hostFile, "host");
        try
        {
            ContainerSpec spec = fixture.Shell(
                $"""
                echo x > /usr/x 2>/dev/null && echo usr-writable
                echo x > /x 2>/dev/null && echo root-writable
                echo hello > /work/out.txt && echo work-ok
                echo t > /tmp/t && echo tmp-ok
                test -e {hostFile} && echo host-tmp-visible
                for d in /root /home /run {fixture.Options.StateDirectory}; do test -e $d && echo visible:$d; done
                test -r /usr/share/dotnet/dotnet && echo dotnet-readable
                echo uid=$(id -u) home=$HOME pwd=$(pwd)
                """);

            (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(spec);

            string[] said = SandboxFixture.Output(log);
            output.WriteLine(string.Join(Environment.NewLine, said));
            Assert.Equal(ContainerState.Succeeded, status.State);
            Assert.Equal(["work-ok", "tmp-ok", "dotnet-readable"], said[..^1]);
            Assert.Matches("^uid=(65534|[1-9][0-9]*) home=/work pwd=/work$", said[^1]);
            Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine((await _runtime.GetAsync(spec.Name))!.WorkDirectory, "out.txt")));
        }
        finally
        {
            File.Delete(hostFile);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Processes_OwnPidNamespace_SeesItselfAsPid2AndNoHostProcess()
    {
        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(fixture.Shell(
            $"echo pid=$$; echo count=$(ls /proc | grep -c '^[0-9]'); test -e /proc/{Environment.ProcessId} && echo host-visible; echo host=$(hostname)"));

        string[] said = SandboxFixture.Output(log);
        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Equal("pid=2", said[0]);
        // bubblewrap's init, the shell, and the short-lived ls and grep at most.
        Assert.InRange(int.Parse(said[1]["count=".Length..], System.Globalization.CultureInfo.InvariantCulture), 2, 5);
        Assert.Equal(["host=" + status.Name], said[2..]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cgroups_InsideTheSandbox_ShowTheContainersOwnLimits()
    {
        // What the .NET GC and Environment.ProcessorCount read to size themselves.
        ContainerSpec spec = fixture.Shell(
            "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; " +
            "cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us",
            memoryBytes: 96 * MiB, cpuCores: 0.5m);

        (_, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(spec);

        string[] said = SandboxFixture.Output(log);
        Assert.Equal((96 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture), said[0]);
        Assert.Contains(said[1], new[] { "50000", "50000 100000" });
    }

    [Fact(Timeout = 60_000)]
    public async Task Dotnet_RunsInsideTheSandbox()
    {
        var spec = new ContainerSpec
        {
            Name = fixture.NewName(),
            Command = ["/usr/bin/dotnet", "--list-runtimes"],
            MemoryBytes = 512 * MiB,
            Environment = [new("DOTNET_CLI_TELEMETRY_OPTOUT", "1")],
        };

        var clock = Stopwatch.StartNew();
        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(spec);

        output.WriteLine($"dotnet --list-runtimes in a sandbox: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Contains(SandboxFixture.Output(log), l => l.StartsWith("Microsoft.NETCore.App", StringComparison.Ordinal));
    }
}
