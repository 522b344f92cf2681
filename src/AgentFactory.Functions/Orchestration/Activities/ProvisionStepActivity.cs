using AgentFactory.Functions.Orchestration.Cleanup;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 4: applies one provisioning step (queue, storage, container or monitoring), so compensation can go step by step.
/// The container is prepared, not started (<see cref="Provisioner.PrepareStepAsync"/>): no agent runs, and nothing is
/// billed for it, before the person confirms at step 5; <c>StartAgent</c> starts it at step 6.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.ProvisionStep)]
public sealed class ProvisionStepActivity(AgentWorkLoader loader, Provisioner provisioner, CleanupFence fence, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<ProvisionStepInput, StepResult>(events, time)
{
    protected override ProgressTicket TicketOf(ProvisionStepInput input) => input.Work.Ticket;

    protected override async Task<Published<StepResult>> ExecuteAsync(ProvisionStepInput input, CancellationToken cancellationToken)
    {
        ProvisioningPlan plan = await loader.PlanAsync(input.Work, SecretUse.Run, cancellationToken).ConfigureAwait(false);
        StepOutcome outcome = await provisioner.PrepareStepAsync(plan, input.Kind, cancellationToken).ConfigureAwait(false);
        if (await fence.HasBegunAsync(input.Work.Ticket.TenantId, input.Work.Ticket.DeploymentId, cancellationToken).ConfigureAwait(false))
        {
            await provisioner.RemoveStepAsync(plan, input.Kind, CancellationToken.None).ConfigureAwait(false);
            throw new CleanupBegunException(input.Work.Ticket.DeploymentId);
        }

        StepResult result = AgentWorkLoader.ToResult(outcome);
        return new Published<StepResult>(result, DeploymentEventTypes.ResourceProvisioned,
            $"Provisioned {result.Step}: {string.Join(", ", result.Resources.Select(r => $"{r.Kind} {r.Name} {r.Change}"))}.");
    }
}

/// <summary>Compensation: removes one provisioning step (only names matter, so it works without the secrets).</summary>
[Durable.DurableTask(AgentCreationActivities.DeprovisionStep)]
public sealed class DeprovisionStepActivity(AgentWorkLoader loader, Provisioner provisioner, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<ProvisionStepInput, StepResult>(events, time)
{
    protected override ProgressTicket TicketOf(ProvisionStepInput input) => input.Work.Ticket;

    protected override async Task<Published<StepResult>> ExecuteAsync(ProvisionStepInput input, CancellationToken cancellationToken)
    {
        ProvisioningPlan plan = await loader.PlanAsync(input.Work, SecretUse.Removal, cancellationToken).ConfigureAwait(false);
        StepResult result = AgentWorkLoader.ToResult(await provisioner.RemoveStepAsync(plan, input.Kind, cancellationToken).ConfigureAwait(false));
        return new Published<StepResult>(result, DeploymentEventTypes.ResourceDeprovisioned,
            $"Removed {result.Step}: {string.Join(", ", result.Resources.Select(r => $"{r.Kind} {r.Name} {r.Change}"))}.");
    }
}
