namespace AgentFactory.Functions.Provisioning;

/// <summary>What <see cref="Provisioner.ProvisionAsync"/> does when a step fails.</summary>
public enum FailureHandling
{
    /// <summary>Remove what the failed step and the steps before it made (the default): nothing is left behind.</summary>
    Compensate,

    /// <summary>Leave everything as it is, e.g. to inspect it or to retry the failed step alone.</summary>
    KeepPartial,
}

/// <summary>A provisioning step failed; <see cref="Exception.InnerException"/> says why.</summary>
public sealed class ProvisioningFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProvisioningFailedException()
    {
        Applied = [];
        Compensation = [];
        CompensationFailures = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProvisioningFailedException(string message) : base(message)
    {
        Applied = [];
        Compensation = [];
        CompensationFailures = [];
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ProvisioningFailedException(string message, Exception innerException) : base(message, innerException)
    {
        Applied = [];
        Compensation = [];
        CompensationFailures = [];
    }

    /// <summary>Creates the exception for step <paramref name="failedStep"/>.</summary>
    public ProvisioningFailedException(ProvisioningStepKind failedStep, Exception cause, IReadOnlyList<StepOutcome> applied,
        IReadOnlyList<StepOutcome> compensation, IReadOnlyList<Exception> compensationFailures)
        : base(Describe(failedStep, cause, compensation, compensationFailures), cause)
    {
        FailedStep = failedStep;
        Applied = applied;
        Compensation = compensation;
        CompensationFailures = compensationFailures;
    }

    /// <summary>The step that failed.</summary>
    public ProvisioningStepKind FailedStep { get; }

    /// <summary>The steps that completed before it.</summary>
    public IReadOnlyList<StepOutcome> Applied { get; }

    /// <summary>What compensation removed, failed step first (empty when not compensating).</summary>
    public IReadOnlyList<StepOutcome> Compensation { get; }

    /// <summary>Removals that failed too: those resources may still exist (deprovisioning removes them later).</summary>
    public IReadOnlyList<Exception> CompensationFailures { get; }

    private static string Describe(ProvisioningStepKind step, Exception cause, IReadOnlyList<StepOutcome> compensation, IReadOnlyList<Exception> failures) =>
        $"Provisioning step {step} failed: {cause.Message}" +
        (failures.Count > 0 ? $" Compensation could not remove everything ({failures.Count} step(s) failed); deprovision to finish." :
            compensation.Count > 0 ? " What it and the steps before it made was removed." : "");
}
