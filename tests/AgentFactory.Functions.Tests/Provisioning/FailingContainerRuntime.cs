using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>A real runtime whose StartAsync fails after CreateAsync worked: a step that fails halfway.</summary>
public sealed class FailingContainerRuntime(IContainerRuntime inner) : IContainerRuntime
{
    public int Starts { get; private set; }

    public Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default) => inner.CreateAsync(spec, cancellationToken);

    public Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

    public Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        Starts++;
        throw new ContainerRuntimeException("injected: the container could not start");
    }

    public Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default) => inner.GetStatusAsync(name, cancellationToken);

    public Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default) => inner.WaitForExitAsync(name, cancellationToken);

    public Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default) =>
        inner.GetLogsAsync(name, after, maxLines, cancellationToken);

    public Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default) => inner.GetMetricsAsync(name, cancellationToken);

    public Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default) =>
        inner.StopAsync(name, gracePeriod, cancellationToken);

    public Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, keepLogs, cancellationToken);
}
