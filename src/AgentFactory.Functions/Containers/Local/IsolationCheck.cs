using System.Diagnostics;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>The user a sandbox drops to.</summary>
internal sealed record SandboxUser(int UserId, int GroupId);

/// <summary>What the isolation check found: resolved tools and the cgroup hierarchy to use.</summary>
internal sealed record IsolationEnvironment(string Bubblewrap, string Shell, string? Setpriv, SandboxUser? SandboxUser, CgroupDriver Cgroups)
{
    public string Description =>
        $"bubblewrap {Bubblewrap}, {Cgroups.Description}, sandbox user {(SandboxUser is { } u ? $"{u.UserId}:{u.GroupId}" : "unchanged")}";
}

/// <summary>
/// Proves that this machine can isolate a container before the first one runs: the tools exist, cgroups can be
/// made and limited, and bubblewrap really builds a sandbox (a probe runs <c>exit 0</c> through the same command
/// line as a container). Reports every problem found, each with its fix, instead of the first.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class IsolationCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public static async Task<IsolationEnvironment> RunAsync(BubblewrapContainerRuntimeOptions options, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? bubblewrap = ResolveExecutable(options.BubblewrapPath);
        if (bubblewrap is null)
        {
            problems.Add($"bubblewrap was not found at '{options.BubblewrapPath}': install it (apt-get install bubblewrap) or set BubblewrapPath to it.");
        }

        string? shell = ResolveExecutable(options.ShellPath);
        if (shell is null)
        {
            problems.Add($"No POSIX shell at '{options.ShellPath}': set ShellPath to one (it joins the cgroup before bubblewrap starts).");
        }

        SandboxUser? user = null;
        string? setpriv = null;
        if (options.SandboxUserId is { } uid && NativeMethods.EffectiveUserId == 0)
        {
            user = new SandboxUser(uid, options.SandboxGroupId);
            setpriv = ResolveExecutable(options.SetprivPath);
            if (setpriv is null)
            {
                problems.Add($"setpriv was not found at '{options.SetprivPath}' to drop from root to user {uid}: install util-linux, or set SandboxUserId to null to keep root (capabilities are still dropped).");
            }
        }

        CgroupDriver? cgroups = null;
        try
        {
            cgroups = CgroupDriver.Detect(MountEntry.Parse(await File.ReadAllTextAsync(options.MountInfoPath, cancellationToken)), options.CgroupParent);
            if (problems.Count == 0)
            {
                // Only a machine that can run containers gets a cgroup made for them.
                cgroups.EnsureParent();
            }
        }
        catch (IsolationUnavailableException ex)
        {
            problems.AddRange(ex.Problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Cannot create the cgroup '{options.CgroupParent}' ({ex.Message}): run the runtime as root, or delegate a cgroup subtree to its user " +
                "(systemd-run --user --scope -p Delegate=yes …) and set CgroupParent below it.");
        }

        if (problems.Count > 0)
        {
            throw new IsolationUnavailableException(problems);
        }

        var environment = new IsolationEnvironment(bubblewrap!, shell!, setpriv, user, cgroups!);
        await ProbeAsync(environment, options, cancellationToken);
        return environment;
    }

    /// <summary>Runs <c>exit 0</c> in a real sandbox under a real, limited cgroup.</summary>
    private static async Task ProbeAsync(IsolationEnvironment environment, BubblewrapContainerRuntimeOptions options, CancellationToken cancellationToken)
    {
        string name = $"probe-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        string work = Path.Combine(options.StateDirectory, ".probe-" + name);
        ContainerCgroup cgroup = environment.Cgroups.For(name);
        try
        {
            try
            {
                cgroup.Create(new CgroupLimits(0.5m, ContainerSpec.MinMemoryBytes, 16));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IsolationUnavailableException(
                    $"Cannot set CPU and memory limits in {environment.Cgroups.Description} ({ex.Message}): run the runtime as root or give it a delegated cgroup.", ex);
            }

            Directory.CreateDirectory(work);
            if (environment.SandboxUser is { } user)
            {
                NativeMethods.ChangeOwner(work, user.UserId, user.GroupId);
            }

            var spec = new ContainerSpec { Name = "probe", Command = [environment.Shell, "-c", "exit 0"], MemoryBytes = ContainerSpec.MinMemoryBytes };
            ProcessStartInfo start = SandboxCommand.Create(environment, options, spec, work, cgroup);
            using Process process = await ProcessSpawner.StartAsync(start);
            process.StandardInput.Close();
            Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
            Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            await process.WaitForExitAsync(timeout.Token);
            string said = ((await error) + (await output)).Trim();
            if (process.ExitCode != 0)
            {
                throw new IsolationUnavailableException(
                    $"bubblewrap could not build a sandbox (exit {process.ExitCode}: {said}). As root it needs CAP_SYS_ADMIN " +
                    "(in Docker: --privileged); as another user it needs unprivileged user namespaces (sysctl user.max_user_namespaces > 0, " +
                    "kernel.unprivileged_userns_clone=1, and no AppArmor rule that restricts them).");
            }
        }
        finally
        {
            if (cgroup.Exists)
            {
                await cgroup.KillAllAsync(CancellationToken.None);
                await cgroup.DeleteAsync(CancellationToken.None);
            }

            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>A path as given when it has a directory part, else the first match in PATH; null when not executable.</summary>
    internal static string? ResolveExecutable(string nameOrPath)
    {
        IEnumerable<string> candidates = nameOrPath.Contains('/', StringComparison.Ordinal)
            ? [nameOrPath]
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, nameOrPath));
        return candidates.FirstOrDefault(p => File.Exists(p) && (File.GetUnixFileMode(p) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
    }
}
