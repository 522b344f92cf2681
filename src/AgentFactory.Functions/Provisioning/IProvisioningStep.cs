namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// One step of provisioning and its reverse. Both are idempotent because activities are at-least-once: applying
/// twice gives the same resources (the second time reports them <see cref="ResourceChange.Existed"/>), removing
/// twice finds them <see cref="ResourceChange.Absent"/>, and removing works after a partial apply.
/// </summary>
public interface IProvisioningStep
{
    /// <summary>Which step this is.</summary>
    ProvisioningStepKind Kind { get; }

    /// <summary>Creates what is missing of the plan's resources for this step and reports each.</summary>
    Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Deletes whatever of this step's resources exists and reports each.</summary>
    Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default);
}
