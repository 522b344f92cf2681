namespace AgentFactory.Functions.Containers.Local;

/// <summary>Settings of <see cref="BubblewrapContainerRuntime"/>.</summary>
public sealed class BubblewrapContainerRuntimeOptions
{
    /// <summary>
    /// Where each container keeps its record, log and (unless its spec names one) work directory. Hidden from
    /// every container. Logs stay here after the process ends, until the container is deleted.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "agentfactory", "containers");

    /// <summary>Parent cgroup of all containers, relative to the hierarchy root (both cgroup versions).</summary>
    public string CgroupParent { get; set; } = "agentfactory";

    /// <summary>The bubblewrap executable: a path, or a name looked up in PATH.</summary>
    public string BubblewrapPath { get; set; } = "bwrap";

    /// <summary>The POSIX shell that joins the cgroup before it becomes bubblewrap.</summary>
    public string ShellPath { get; set; } = "/bin/sh";

    /// <summary>util-linux setpriv, which drops to <see cref="SandboxUserId"/> when the runtime runs as root.</summary>
    public string SetprivPath { get; set; } = "setpriv";

    /// <summary>
    /// The user the container's processes run as when the runtime runs as root (default: nobody), so that
    /// root-only files stay unreadable inside. Null keeps the runtime's own user (its capabilities are still dropped).
    /// Ignored when the runtime is not root: it then already runs unprivileged.
    /// </summary>
    public int? SandboxUserId { get; set; } = 65534;

    /// <summary>The group that goes with <see cref="SandboxUserId"/> (default: nogroup).</summary>
    public int SandboxGroupId { get; set; } = 65534;

    /// <summary>
    /// Host paths shown read-only inside (each top-level entry that exists; symbolic links are recreated). Anything
    /// else on the host — /root, /home, /run, /srv, /mnt, other containers' state — does not exist inside.
    /// </summary>
    public IList<string> SystemPaths { get; } = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/var", "/sys"];

    /// <summary>Paths inside <see cref="SystemPaths"/> covered by an empty directory. /tmp and /var/tmp are always private.</summary>
    public IList<string> HiddenPaths { get; } = [];

    /// <summary>Most processes and threads a container may have (stops fork bombs).</summary>
    public int PidsLimit { get; set; } = 1024;

    /// <summary>How long a stop waits after SIGTERM before it kills, when the caller gives no grace period.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most log bytes kept per container; output past it is counted, not kept.</summary>
    public long MaxLogBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Longest log line; a longer one is split (a program that never writes a newline cannot fill memory).</summary>
    public int MaxLogLineChars { get; set; } = 16 * 1024;

    /// <summary>The mount table that tells cgroup v1 from v2; a test may point it elsewhere.</summary>
    internal string MountInfoPath { get; set; } = "/proc/self/mountinfo";
}
