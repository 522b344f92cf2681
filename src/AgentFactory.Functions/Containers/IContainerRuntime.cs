namespace AgentFactory.Functions.Containers;

/// <summary>
/// Runs agent programs in isolated containers: the seam that Azure Container Instances fills in the cloud and
/// bubblewrap with cgroups fills on one machine. Every operation is addressed by container name, so an activity
/// that runs twice (activities are at-least-once) finds what its first run made.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates a container without starting it. Idempotent by name: creating an existing container with an
    /// equivalent spec returns it; a different spec throws <see cref="ContainerConflictException"/>.
    /// </summary>
    Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The container's description, or null when no container has that name.</summary>
    Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts the container's command. A running container is left alone; a container that has exited is run
    /// again (its <see cref="ContainerStatus.RestartCount"/> grows and its log continues).
    /// </summary>
    Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Where the container is in its life.</summary>
    Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Completes when the container is not running (at once for one that was never started).</summary>
    Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxLines"/> log lines with a sequence number greater than <paramref name="after"/>
    /// (0 = from the beginning). Pass the page's <see cref="ContainerLogPage.Cursor"/> to read on.
    /// </summary>
    Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default);

    /// <summary>CPU time and memory of the container, over all its runs.</summary>
    Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the container's processes to end (SIGTERM), and kills what is left after
    /// <paramref name="gracePeriod"/> (the runtime's default when null). A container that is not running is left alone.
    /// </summary>
    Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Kills whatever still runs and removes the container with its resources; its logs too unless
    /// <paramref name="keepLogs"/>. Idempotent: false when there was nothing to delete.
    /// </summary>
    Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default);
}
