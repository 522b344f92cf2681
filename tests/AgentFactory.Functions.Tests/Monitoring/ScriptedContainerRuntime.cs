using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Tests.Monitoring;

/// <summary>
/// A runtime whose one container's status the test sets, with times on the test's fake clock (a real container's
/// start and stop times are the machine's, which a test cannot move). Only what the monitor and metering read is here.
/// </summary>
internal sealed class ScriptedContainerRuntime : IContainerRuntime
{
    public ContainerStatus? Status { get; set; }

    public Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Status is null ? null : new ContainerInfo(name, null, [], 1, 1, false, [], new Dictionary<string, string>(), [], new Dictionary<string, string>(), "/nowhere",
            DateTimeOffset.UnixEpoch));

    public Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default) =>
        Status is { } status ? Task.FromResult(status with { Name = name }) : throw new ContainerNotFoundException(name);

    public Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
