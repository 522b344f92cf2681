using System.Diagnostics;
using System.Globalization;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>
/// The command line that runs a container: <c>sh</c> joins the cgroup and execs (setpriv, then) bubblewrap, which
/// builds the sandbox and runs the spec's command. Joining before exec is what makes the limits race-free: the
/// pid in cgroup.procs is the very process that becomes bubblewrap, so no instruction of the program runs outside.
/// Arguments go through ArgumentList (no shell parsing of any spec value); environment values, secrets
/// included, go through the environment only, never the command line that <c>ps</c> shows.
/// </summary>
internal static class SandboxCommand
{
    // $1 = how many cgroup.procs files follow; then the files; then the command to exec. Every expansion is
    // quoted, so the spec's environment (which this shell also receives, IFS included) cannot change its meaning.
    private const string JoinCgroupsAndExec =
        """
        n="$1"; shift
        while [ "$n" -gt 0 ]; do
          echo "$$" > "$1" || { echo "agentfactory: cannot join cgroup $1" >&2; exit 125; }
          shift; n=$((n - 1))
        done
        exec "$@"
        """;

    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static ProcessStartInfo Create(IsolationEnvironment isolation, BubblewrapContainerRuntimeOptions options,
        ContainerSpec spec, string workDirectory, ContainerCgroup cgroup)
    {
        var start = new ProcessStartInfo(isolation.Shell)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(JoinCgroupsAndExec);
        start.ArgumentList.Add("agentfactory-sandbox");
        start.ArgumentList.Add(cgroup.ProcsFiles.Count.ToString(CultureInfo.InvariantCulture));
        foreach (string procs in cgroup.ProcsFiles)
        {
            start.ArgumentList.Add(procs);
        }

        if (isolation.SandboxUser is { } user)
        {
            foreach (string argument in (string[])[isolation.Setpriv!, $"--reuid={user.UserId}", $"--regid={user.GroupId}", "--clear-groups"])
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(isolation.Bubblewrap);
        foreach (string argument in BubblewrapArguments(options, spec, workDirectory, cgroup))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--");
        foreach (string argument in spec.Command)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of this process's environment leaks in: only a neutral base and the spec's own variables.
        start.Environment.Clear();
        start.Environment["PATH"] = DefaultPath;
        start.Environment["HOME"] = ContainerSpec.WorkPath;
        foreach (ContainerEnvironmentVariable variable in spec.Environment)
        {
            start.Environment[variable.Name] = variable.Value;
        }

        return start;
    }

    /// <summary>bubblewrap 0.8 options, in mount order (later mounts cover earlier ones).</summary>
    internal static IEnumerable<string> BubblewrapArguments(BubblewrapContainerRuntimeOptions options, ContainerSpec spec,
        string workDirectory, ContainerCgroup cgroup)
    {
        // The root is bubblewrap's own tmpfs holding only the system paths: what is not listed does not exist.
        foreach (string path in options.SystemPaths.Where(Path.Exists))
        {
            if (new FileInfo(path).LinkTarget is { } target)
            {
                yield return "--symlink"; yield return target; yield return path;
            }
            else
            {
                yield return "--ro-bind"; yield return path; yield return path;
            }
        }

        yield return "--dev"; yield return "/dev";
        yield return "--proc"; yield return "/proc";
        yield return "--tmpfs"; yield return "/tmp";
        string[] hidden = [.. options.HiddenPaths, options.StateDirectory, "/var/tmp"];
        foreach (string path in hidden.Where(p => Directory.Exists(p) && IsUnder(p, options.SystemPaths)))
        {
            yield return "--tmpfs"; yield return path;
        }

        if (options.SystemPaths.Contains("/sys"))
        {
            foreach ((string directory, string mountPoint) in cgroup.SandboxViews)
            {
                yield return "--ro-bind"; yield return directory; yield return mountPoint;
            }
        }

        if (spec.NetworkAccess && ResolverOutside(options) is { } resolver)
        {
            // e.g. systemd-resolved's /run/systemd/resolve/stub-resolv.conf behind /etc/resolv.conf.
            yield return "--ro-bind"; yield return resolver; yield return resolver;
        }

        yield return "--bind"; yield return workDirectory; yield return ContainerSpec.WorkPath;
        foreach (ContainerMount mount in spec.ReadOnlyMounts)
        {
            yield return "--ro-bind"; yield return mount.HostPath; yield return mount.ContainerPath;
        }

        yield return "--remount-ro"; yield return "/";
        yield return "--chdir"; yield return ContainerSpec.WorkPath;
        yield return "--unshare-pid";
        yield return "--unshare-ipc";
        yield return "--unshare-uts";
        yield return "--unshare-cgroup-try";
        if (!spec.NetworkAccess)
        {
            // A private network namespace with only loopback: no route anywhere, the host's 127.0.0.1 included.
            yield return "--unshare-net";
        }

        yield return "--hostname"; yield return spec.Name;
        yield return "--die-with-parent";
        yield return "--new-session";
        yield return "--cap-drop"; yield return "ALL";
    }

    private static string? ResolverOutside(BubblewrapContainerRuntimeOptions options)
    {
        FileSystemInfo? target = new FileInfo("/etc/resolv.conf").ResolveLinkTarget(returnFinalTarget: true);
        return target is { Exists: true } && !IsUnder(target.FullName, options.SystemPaths) ? target.FullName : null;
    }

    private static bool IsUnder(string path, IEnumerable<string> roots) =>
        roots.Any(r => path == r || path.StartsWith(r.TrimEnd('/') + "/", StringComparison.Ordinal));
}
