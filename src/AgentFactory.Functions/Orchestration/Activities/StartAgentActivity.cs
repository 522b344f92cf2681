using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 6: makes sure the agent's container runs. The container step of provisioning already created and started it;
/// this applies that step again, which re-creates it (with its secrets) if the runtime lost it and starts it if it
/// stopped while the person was reviewing, and leaves a running one alone.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.StartAgent)]
public sealed class StartAgentActivity(AgentWorkLoader loader, Provisioner provisioner, IContainerRuntime runtime, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<AgentWork, AgentStartResult>(events, time)
{
    protected override ProgressTicket TicketOf(AgentWork input) => input.Ticket;

    protected override async Task<Published<AgentStartResult>> ExecuteAsync(AgentWork input, CancellationToken cancellationToken)
    {
        ProvisioningPlan plan = await loader.PlanAsync(input, SecretUse.Run, cancellationToken).ConfigureAwait(false);
        await provisioner.ApplyStepAsync(plan, ProvisioningStepKind.Container, cancellationToken).ConfigureAwait(false);
        ContainerStatus status = await runtime.GetStatusAsync(plan.Names.Container, cancellationToken).ConfigureAwait(false);
        var result = new AgentStartResult(plan.Names.Container, AgentWorkLoader.Camel(status.State.ToString()), status.StartedAt);
        return new Published<AgentStartResult>(result, DeploymentEventTypes.AgentStarted, $"Agent container {result.Container} is {result.State}.");
    }
}
