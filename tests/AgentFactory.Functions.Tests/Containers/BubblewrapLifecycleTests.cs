using System.Diagnostics;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>Create, start, logs, exit, restart, stop and delete of real sandboxed processes.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class BubblewrapLifecycleTests(SandboxFixture fixture, ITestOutputHelper output)
{
    private readonly BubblewrapContainerRuntime _runtime = fixture.Runtime;

    [Fact(Timeout = 60_000)]
    public async Task StartAsync_CommandWritesBothStreamsAndExits3_FailedWithCodeAndTaggedLogs()
    {
        ContainerSpec spec = fixture.Shell("echo one; echo two >&2; echo three; exit 3");

        (ContainerStatus status, IReadOnlyList<ContainerLogLine> log) = await fixture.RunAsync(spec);

        Assert.Equal((ContainerState.Failed, 3, "exited with code 3"), (status.State, status.ExitCode, status.Message));
        Assert.True(status.StartedAt <= status.FinishedAt);
        Assert.Equal(["one", "three"], SandboxFixture.Output(log));
        Assert.Equal(["two"], log.Where(l => l.Stream == ContainerLogStream.StandardError).Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(l => l.Sequence));
        Assert.StartsWith("starting: /bin/sh -c", log[0].Text, StringComparison.Ordinal);
        Assert.Equal((ContainerLogStream.Runtime, "exited with code 3"), (log[^1].Stream, log[^1].Text));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetLogsAsync_PagesOfTen_CursorReadsEveryLineOnceInOrder()
    {
        ContainerSpec spec = fixture.Shell("i=1; while [ $i -le 25 ]; do echo line-$i; i=$((i + 1)); done");
        await fixture.RunAsync(spec);

        var lines = new List<ContainerLogLine>();
        var pages = new List<bool>();
        long cursor = 0;
        ContainerLogPage page;
        do
        {
            page = await _runtime.GetLogsAsync(spec.Name, cursor, maxLines: 10);
            lines.AddRange(page.Lines);
            pages.Add(page.HasMore);
            cursor = page.Cursor;
        }
        while (page.HasMore);

        // 25 output lines plus "starting" and "exited" = 27: pages of 10, 10, 7.
        Assert.Equal([true, true, false], pages);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => "line-" + i), SandboxFixture.Output(lines));
        Assert.Equal(Enumerable.Range(1, 27).Select(i => (long)i), lines.Select(l => l.Sequence));
        Assert.Empty((await _runtime.GetLogsAsync(spec.Name, cursor)).Lines);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_SameSpecTwice_ReturnsItAndADifferentSpecConflicts()
    {
        ContainerSpec spec = fixture.Shell("true");
        ContainerInfo first = await _runtime.CreateAsync(spec);

        ContainerInfo again = await _runtime.CreateAsync(Rename(fixture.Shell("true"), spec.Name));

        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Equal(ContainerState.Created, (await _runtime.GetStatusAsync(spec.Name)).State);
        var different = Rename(fixture.Shell("false"), spec.Name);
        await Assert.ThrowsAsync<ContainerConflictException>(() => _runtime.CreateAsync(different));
    }

    [Fact(Timeout = 60_000)]
    public async Task StartAsync_AfterExit_RunsAgainCountsRestartAndContinuesTheLog()
    {
        ContainerSpec spec = fixture.Shell("echo run");
        await fixture.RunAsync(spec);

        await _runtime.StartAsync(spec.Name);
        ContainerStatus status = await _runtime.WaitForExitAsync(spec.Name);

        IReadOnlyList<ContainerLogLine> log = (await _runtime.GetLogsAsync(spec.Name)).Lines;
        Assert.Equal((ContainerState.Succeeded, 1), (status.State, status.RestartCount));
        Assert.Equal(["run", "run"], SandboxFixture.Output(log));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(l => l.Sequence));
        Assert.Contains(log, l => l.Text.StartsWith("starting again (restart 1)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_ProgramHandlesSigterm_ExitsOnItsOwnWithinGrace()
    {
        ContainerSpec spec = fixture.Shell("trap 'echo got-term; exit 0' TERM; echo ready; sleep 300 & wait");
        await _runtime.CreateAsync(spec);
        await _runtime.StartAsync(spec.Name);
        await WaitForOutputAsync(spec.Name, "ready");

        var clock = Stopwatch.StartNew();
        ContainerStatus status = await _runtime.StopAsync(spec.Name, TimeSpan.FromSeconds(20));

        IReadOnlyList<ContainerLogLine> log = (await _runtime.GetLogsAsync(spec.Name)).Lines;
        output.WriteLine($"graceful stop took {clock.ElapsedMilliseconds} ms");
        Assert.Equal((ContainerState.Stopped, 0), (status.State, status.ExitCode));
        Assert.Contains("got-term", SandboxFixture.Output(log));
        Assert.DoesNotContain(log, l => l.Text.StartsWith("grace period over", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stop took {clock.Elapsed}");
    }

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_ProgramIgnoresSigterm_KilledAfterGrace()
    {
        ContainerSpec spec = fixture.Shell("trap '' TERM; echo ready; sleep 300 & wait");
        await _runtime.CreateAsync(spec);
        await _runtime.StartAsync(spec.Name);
        await WaitForOutputAsync(spec.Name, "ready");

        var clock = Stopwatch.StartNew();
        ContainerStatus status = await _runtime.StopAsync(spec.Name, TimeSpan.FromMilliseconds(300));

        output.WriteLine($"stop with 300 ms grace took {clock.ElapsedMilliseconds} ms");
        Assert.Equal((ContainerState.Stopped, 137), (status.State, status.ExitCode));
        Assert.Contains((await _runtime.GetLogsAsync(spec.Name)).Lines, l => l.Text == "grace period over: killing every process");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stop took {clock.Elapsed}");
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteAsync_RunningContainer_KillsItAndRemovesCgroupsStateAndWorkDirectory()
    {
        ContainerSpec spec = fixture.Shell("echo ready; echo data > /work/file; sleep 300");
        ContainerInfo info = await _runtime.CreateAsync(spec);
        await _runtime.StartAsync(spec.Name);
        await WaitForOutputAsync(spec.Name, "ready");
        IReadOnlyList<string> cgroups = (await _runtime.CgroupsAsync()).For(spec.Name).Directories;
        Assert.All(cgroups, d => Assert.True(Directory.Exists(d), d));

        Assert.True(await _runtime.DeleteAsync(spec.Name));

        Assert.All(cgroups, d => Assert.False(Directory.Exists(d), d));
        Assert.False(Directory.Exists(info.WorkDirectory));
        Assert.False(Directory.Exists(Path.Combine(fixture.Options.StateDirectory, spec.Name)));
        Assert.Null(await _runtime.GetAsync(spec.Name));
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => _runtime.GetStatusAsync(spec.Name));
        Assert.False(await _runtime.DeleteAsync(spec.Name));
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteAsync_KeepLogs_LeavesOnlyTheLogFile()
    {
        ContainerSpec spec = fixture.Shell("echo for-the-record");
        await fixture.RunAsync(spec);

        Assert.True(await _runtime.DeleteAsync(spec.Name, keepLogs: true));

        string directory = Path.Combine(fixture.Options.StateDirectory, spec.Name);
        Assert.Equal(["log.jsonl"], Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName));
        Assert.Contains("for-the-record", await File.ReadAllTextAsync(Path.Combine(directory, "log.jsonl")), StringComparison.Ordinal);
        Assert.Null(await _runtime.GetAsync(spec.Name));
        Assert.True(await _runtime.DeleteAsync(spec.Name));
        Assert.False(Directory.Exists(directory));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetLogsAsync_FromANewRuntimeAfterTheProcessEnded_LogsAndStatusSurvive()
    {
        ContainerSpec spec = fixture.Shell("echo kept-1; echo kept-2");
        await fixture.RunAsync(spec);

        await using var later = new BubblewrapContainerRuntime(fixture.Options);

        Assert.Equal(["kept-1", "kept-2"], SandboxFixture.Output((await later.GetLogsAsync(spec.Name)).Lines));
        Assert.Equal(ContainerState.Succeeded, (await later.GetStatusAsync(spec.Name)).State);
        Assert.True((await later.GetMetricsAsync(spec.Name)).CpuTime > TimeSpan.Zero);
    }

    [Fact(Timeout = 60_000)]
    public async Task StartAsync_FromAThreadThatThenEnds_ContainerOutlivesTheThread()
    {
        // --die-with-parent watches the thread that forked bubblewrap; a spawner thread that lives on keeps
        // containers from dying when the thread that asked for them ends (as thread-pool threads do).
        ContainerSpec spec = fixture.Shell("sleep 1; echo alive");
        await _runtime.CreateAsync(spec);
        var thread = new Thread(() => _runtime.StartAsync(spec.Name).GetAwaiter().GetResult());
        thread.Start();
        thread.Join();

        ContainerStatus status = await _runtime.WaitForExitAsync(spec.Name);

        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Equal(["alive"], SandboxFixture.Output((await _runtime.GetLogsAsync(spec.Name)).Lines));
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateStartWait_TrivialCommand_PrintsTheTimeFromCreateToExit()
    {
        await _runtime.CheckIsolationAsync();
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            ContainerSpec spec = fixture.Shell("true");
            var clock = Stopwatch.StartNew();
            (ContainerStatus status, _) = await fixture.RunAsync(spec);
            times.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(ContainerState.Succeeded, status.State);
        }

        output.WriteLine($"create -> start -> exit of /bin/sh -c true: {string.Join(", ", times.Select(t => $"{t:F0}"))} ms (median {times.Order().ElementAt(2):F0} ms)");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/nonexistent/bwrap", "apt-get install bubblewrap")]
    public async Task CreateAsync_BubblewrapMissing_RefusesWithWhatIsMissingAndHowToFix(string bubblewrap, string fix)
    {
        BubblewrapContainerRuntimeOptions options = SandboxFixture.NewOptions(fixture.Options.StateDirectory + "-refused");
        options.BubblewrapPath = bubblewrap;
        await using var runtime = new BubblewrapContainerRuntime(options);

        var refused = await Assert.ThrowsAsync<IsolationUnavailableException>(() => runtime.CreateAsync(fixture.Shell("true")));

        Assert.Contains(fix, refused.Message, StringComparison.Ordinal);
        Assert.Contains(bubblewrap, refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.EnumerateFileSystemEntries(options.StateDirectory).Any(), "nothing may be created");
        Directory.Delete(options.StateDirectory);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("../escape")]
    [InlineData("Upper")]
    [InlineData("-dash")]
    public async Task GetStatusAsync_NameThatIsNotAContainerName_Rejected(string name) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _runtime.GetStatusAsync(name));

    private static ContainerSpec Rename(ContainerSpec spec, string name) => new()
    {
        Name = name,
        Command = spec.Command,
        MemoryBytes = spec.MemoryBytes,
        CpuCores = spec.CpuCores,
        NetworkAccess = spec.NetworkAccess,
        Labels = spec.Labels,
    };

    private Task WaitForOutputAsync(string name, string text) =>
        Eventually.TrueAsync(
            async () => SandboxFixture.Output((await _runtime.GetLogsAsync(name)).Lines).Contains(text),
            TimeSpan.FromSeconds(20),
            $"{name} prints '{text}'");

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_RightAfterStart_KillsTheRunInsteadOfHanging()
    {
        ContainerSpec spec = fixture.Shell("while true; do sleep 1; done");
        await fixture.Runtime.CreateAsync(spec);

        await fixture.Runtime.StartAsync(spec.Name);
        ContainerStatus stopped = await fixture.Runtime.StopAsync(spec.Name, TimeSpan.Zero);

        Assert.True(stopped.HasExited, stopped.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteAsync_RightAfterStart_KillsTheRunAndRemovesEverything()
    {
        ContainerSpec spec = fixture.Shell("while true; do sleep 1; done");
        await fixture.Runtime.CreateAsync(spec);

        await fixture.Runtime.StartAsync(spec.Name);
        Assert.True(await fixture.Runtime.DeleteAsync(spec.Name));

        Assert.Null(await fixture.Runtime.GetAsync(spec.Name));
    }
}
