using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>Step 4: applies one provisioning step (queue, storage, container or monitoring), so compensation can go step by step.</summary>
[Durable.DurableTask(AgentCreationActivities.ProvisionStep)]
public sealed class ProvisionStepActivity(AgentWorkLoader loader, Provisioner provisioner, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<ProvisionStepInput, StepResult>(events, time)
{
    protected override ProgressTicket TicketOf(ProvisionStepInput input) => input.Work.Ticket;

    protected override async Task<Published<StepResult>> ExecuteAsync(ProvisionStepInput input, CancellationToken cancellationToken)
    {
        ProvisioningPlan plan = await loader.PlanAsync(input.Work, SecretUse.Run, cancellationToken).ConfigureAwait(false);
        StepResult result = AgentWorkLoader.ToResult(await provisioner.ApplyStepAsync(plan, input.Kind, cancellationToken).ConfigureAwait(false));
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
