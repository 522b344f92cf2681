using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration.Cleanup;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 6: starts the agent's container. The container step of provisioning created it without starting it; this
/// applies that step in full, which re-creates it (with its secrets) if the runtime lost it, starts it, and leaves a
/// running one alone.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.StartAgent)]
public sealed class StartAgentActivity(AgentWorkLoader loader, Provisioner provisioner, IContainerRuntime runtime, CleanupFence fence, DeploymentEventTable events,
    TimeProvider time) : DeploymentActivity<AgentWork, AgentStartResult>(events, time)
{
    protected override ProgressTicket TicketOf(AgentWork input) => input.Ticket;

    protected override async Task<Published<AgentStartResult>> ExecuteAsync(AgentWork input, CancellationToken cancellationToken)
    {
        ProvisioningPlan plan = await loader.PlanAsync(input, SecretUse.Run, cancellationToken).ConfigureAwait(false);
        await provisioner.ApplyStepAsync(plan, ProvisioningStepKind.Container, cancellationToken).ConfigureAwait(false);
        if (await fence.HasBegunAsync(input.Ticket.TenantId, input.Ticket.DeploymentId, cancellationToken).ConfigureAwait(false))
        {
            await provisioner.RemoveStepAsync(plan, ProvisioningStepKind.Container, CancellationToken.None).ConfigureAwait(false);
            throw new CleanupBegunException(input.Ticket.DeploymentId);
        }

        ContainerStatus status = await runtime.GetStatusAsync(plan.Names.Container, cancellationToken).ConfigureAwait(false);
        var result = new AgentStartResult(plan.Names.Container, AgentWorkLoader.Camel(status.State.ToString()), status.StartedAt);
        return new Published<AgentStartResult>(result, DeploymentEventTypes.AgentStarted, $"Agent container {result.Container} is {result.State}.");
    }
}
