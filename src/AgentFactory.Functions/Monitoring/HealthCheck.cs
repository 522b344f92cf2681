namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// What the monitoring loop checks for one agent: that its container runs. It does not repeat a monitoring
/// agent's own checks of its targets (that agent alerts on those itself); it watches the agent.
/// </summary>
/// <param name="TenantId">The agent's tenant.</param>
/// <param name="AgentName">The agent's name.</param>
/// <param name="DeploymentId">The deployment that provisioned it (named in alerts).</param>
/// <param name="ContainerName">The container whose status is checked.</param>
/// <param name="IdleExitIsHealthy">
/// True for on-demand agents: their container may finish its work and exit 0, which is idle, not down.
/// </param>
/// <param name="CpuCores">The container's vCPU allocation, as billed (usage metering).</param>
/// <param name="MemoryGb">The container's memory allocation in GB, as billed (ACI rounds a group up to 1 GB).</param>
public sealed record HealthCheck(string TenantId, string AgentName, string DeploymentId, string ContainerName, bool IdleExitIsHealthy,
    decimal CpuCores = 0, decimal MemoryGb = 0);
