namespace AgentFactory.Functions.Containers;

/// <summary>Where a container is in its life. One value, never a set of flags.</summary>
public enum ContainerState
{
    /// <summary>Created, never started.</summary>
    Created,

    /// <summary>Its command is running.</summary>
    Running,

    /// <summary>The command exited with code 0.</summary>
    Succeeded,

    /// <summary>The command exited with another code, was killed by a signal, or could not start.</summary>
    Failed,

    /// <summary>The command failed after the memory limit was hit and a process was killed for it.</summary>
    OomKilled,

    /// <summary>Stopped on request.</summary>
    Stopped,
}

/// <summary>A container's state, with the exit code and times of its latest run.</summary>
/// <param name="Name">The container name.</param>
/// <param name="State">Where the container is.</param>
/// <param name="ExitCode">Exit code of the latest run (128 + signal for a killed process); null while running or never run.</param>
/// <param name="StartedAt">When the latest run started.</param>
/// <param name="FinishedAt">When the latest run ended.</param>
/// <param name="RestartCount">How many times the container was started again after its first run.</param>
/// <param name="Message">Why it ended, in words, when that is more than an exit code.</param>
public sealed record ContainerStatus(
    string Name,
    ContainerState State,
    int? ExitCode = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    int RestartCount = 0,
    string? Message = null)
{
    /// <summary>True once a run has ended (succeeded, failed, OOM-killed or stopped).</summary>
    public bool HasExited => State is ContainerState.Succeeded or ContainerState.Failed or ContainerState.OomKilled or ContainerState.Stopped;
}
