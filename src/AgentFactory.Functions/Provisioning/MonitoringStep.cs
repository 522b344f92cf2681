using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The agent's health-check registration and alert rule, which <see cref="AgentMonitor"/> runs. Removing it also ends
/// the agent's usage metering (the container is deleted right after, by the next step in reverse order).
/// </summary>
public sealed class MonitoringStep(MonitoringTable table, UsageMeter? usage = null, IContainerRuntime? runtime = null, TimeProvider? time = null) : IProvisioningStep
{
    /// <inheritdoc/>
    public ProvisioningStepKind Kind => ProvisioningStepKind.Monitoring;

    /// <inheritdoc/>
    public async Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        (ResourceChange check, ResourceChange rule) = await table.RegisterAsync(plan.HealthCheck, plan.AlertRule, cancellationToken).ConfigureAwait(false);
        return Outcome(plan, check, rule);
    }

    /// <inheritdoc/>
    public async Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        if (usage is not null && runtime is not null && await table.GetAsync(plan.TenantId, plan.Names.AgentName, cancellationToken).ConfigureAwait(false) is { } state)
        {
            ContainerStatus? status = await runtime.GetAsync(state.Check.ContainerName, cancellationToken).ConfigureAwait(false) is null ? null
                : await runtime.GetStatusAsync(state.Check.ContainerName, cancellationToken).ConfigureAwait(false);
            await usage.ObserveAsync(state, status, (time ?? TimeProvider.System).GetUtcNow(), final: true, cancellationToken).ConfigureAwait(false);
        }

        (ResourceChange check, ResourceChange rule) = await table.UnregisterAsync(plan.TenantId, plan.Names.AgentName, cancellationToken).ConfigureAwait(false);
        return Outcome(plan, check, rule);
    }

    private StepOutcome Outcome(ProvisioningPlan plan, ResourceChange check, ResourceChange rule) => new(Kind,
    [
        new(ResourceKind.HealthCheck, table.Table.Name + "/" + plan.TenantId + "/check:" + plan.Names.AgentName, check),
        new(ResourceKind.AlertRule, table.Table.Name + "/" + plan.TenantId + "/alert:" + plan.Names.AgentName, rule),
    ]);
}
