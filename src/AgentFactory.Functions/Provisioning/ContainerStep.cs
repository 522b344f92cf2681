using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The agent's container: created from the plan's spec (which carries the redacted configuration as the file
/// <see cref="ProvisioningOptions.ConfigurationPath"/>, so every runtime delivers it), and started — or only prepared
/// (<see cref="PrepareAsync"/>).
/// </summary>
public sealed class ContainerStep(IContainerRuntime runtime) : IProvisioningStep
{
    /// <inheritdoc/>
    public ProvisioningStepKind Kind => ProvisioningStepKind.Container;

    /// <inheritdoc/>
    public async Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        StepOutcome outcome = await PrepareAsync(plan, cancellationToken).ConfigureAwait(false);
        // A running container is left alone; one that exited is run again, which is what "provisioned" means.
        await runtime.StartAsync(plan.Container.Name, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Creates the container, its configuration included, without starting it (the agent-creation wizard's step 4: no
    /// agent runs before the person confirms). A container that already runs is left running.
    /// </summary>
    public async Task<StepOutcome> PrepareAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        bool existed = await runtime.GetAsync(plan.Container.Name, cancellationToken).ConfigureAwait(false) is not null;
        // Create is idempotent by spec, and also hands the runtime the secrets again after a restart of this
        // process (it never stores them, so it could not start the container otherwise).
        ContainerInfo info = await runtime.CreateAsync(plan.Container, cancellationToken).ConfigureAwait(false);
        return new StepOutcome(Kind, [new(ResourceKind.Container, info.Name, existed ? ResourceChange.Existed : ResourceChange.Created)]);
    }

    /// <inheritdoc/>
    public async Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        bool deleted = await runtime.DeleteAsync(plan.Container.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new StepOutcome(Kind, [new(ResourceKind.Container, plan.Container.Name, deleted ? ResourceChange.Deleted : ResourceChange.Absent)]);
    }
}
