using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// Applies a plan's steps in order and removes them in reverse. Each step is idempotent, so a whole provisioning
/// can be retried after a crash, and an orchestration can also run the steps one activity at a time
/// (<see cref="ApplyStepAsync"/>, <see cref="RemoveStepAsync"/>).
/// </summary>
public sealed class Provisioner
{
    private readonly Dictionary<ProvisioningStepKind, IProvisioningStep> _steps;
    private readonly ILogger _logger;

    /// <summary>Creates the provisioner over one implementation of each step kind.</summary>
    public Provisioner(IEnumerable<IProvisioningStep> steps, ILogger<Provisioner>? logger = null)
    {
        _steps = steps.ToDictionary(s => s.Kind);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Applies every step of <paramref name="plan"/> in order. When step k fails, steps k, k−1 … 1 are removed
    /// (k too: it may have made part of its resources) unless <paramref name="onFailure"/> says to keep them, and
    /// <see cref="ProvisioningFailedException"/> is thrown.
    /// </summary>
    public async Task<ProvisioningResult> ProvisionAsync(ProvisioningPlan plan, FailureHandling onFailure = FailureHandling.Compensate,
        CancellationToken cancellationToken = default)
    {
        var applied = new List<StepOutcome>();
        for (int index = 0; index < plan.Steps.Count; index++)
        {
            ProvisioningStepKind kind = plan.Steps[index];
            try
            {
                applied.Add(await ApplyStepAsync(plan, kind, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                bool compensate = onFailure == FailureHandling.Compensate;
                _logger.StepFailed(plan.TenantId, plan.Names.AgentName, plan.DeploymentId, kind, compensate, ex);
                var compensation = new List<StepOutcome>();
                var failures = new List<Exception>();
                if (compensate)
                {
                    // Not the caller's token: a cancelled provisioning must still leave nothing behind.
                    await RemoveStepsAsync(plan, plan.Steps.Take(index + 1).Reverse(), compensation, failures, CancellationToken.None).ConfigureAwait(false);
                }

                throw new ProvisioningFailedException(kind, ex, applied, compensation, failures);
            }
        }

        return new ProvisioningResult(applied);
    }

    /// <summary>
    /// Removes every step of <paramref name="plan"/> in reverse order. A step that fails does not stop the others;
    /// afterwards an <see cref="AggregateException"/> lists the failures (running it again finishes the job).
    /// </summary>
    public async Task<ProvisioningResult> DeprovisionAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        var removed = new List<StepOutcome>();
        var failures = new List<Exception>();
        await RemoveStepsAsync(plan, plan.Steps.Reverse(), removed, failures, cancellationToken).ConfigureAwait(false);
        return failures.Count == 0
            ? new ProvisioningResult(removed)
            : throw new AggregateException($"Deprovisioning {plan.TenantId}/{plan.Names.AgentName} left {failures.Count} step(s) unremoved; run it again.", failures);
    }

    /// <summary>Applies one step (an orchestration activity).</summary>
    public async Task<StepOutcome> ApplyStepAsync(ProvisioningPlan plan, ProvisioningStepKind kind, CancellationToken cancellationToken = default)
    {
        StepOutcome outcome = await Step(kind).ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
        _logger.StepApplied(plan.TenantId, plan.Names.AgentName, plan.DeploymentId, kind, Describe(outcome));
        return outcome;
    }

    /// <summary>
    /// Applies one step, but leaves the agent's container created and not running (<see cref="ContainerStep.PrepareAsync"/>);
    /// the other steps apply as usual. <see cref="ApplyStepAsync"/> of the container step starts it later.
    /// </summary>
    public async Task<StepOutcome> PrepareStepAsync(ProvisioningPlan plan, ProvisioningStepKind kind, CancellationToken cancellationToken = default)
    {
        if (Step(kind) is not ContainerStep container)
        {
            return await ApplyStepAsync(plan, kind, cancellationToken).ConfigureAwait(false);
        }

        StepOutcome outcome = await container.PrepareAsync(plan, cancellationToken).ConfigureAwait(false);
        _logger.StepApplied(plan.TenantId, plan.Names.AgentName, plan.DeploymentId, kind, Describe(outcome));
        return outcome;
    }

    /// <summary>Removes one step (an orchestration activity).</summary>
    public async Task<StepOutcome> RemoveStepAsync(ProvisioningPlan plan, ProvisioningStepKind kind, CancellationToken cancellationToken = default)
    {
        StepOutcome outcome = await Step(kind).RemoveAsync(plan, cancellationToken).ConfigureAwait(false);
        _logger.StepRemoved(plan.TenantId, plan.Names.AgentName, plan.DeploymentId, kind, Describe(outcome));
        return outcome;
    }

    private async Task RemoveStepsAsync(ProvisioningPlan plan, IEnumerable<ProvisioningStepKind> kinds, List<StepOutcome> removed, List<Exception> failures,
        CancellationToken cancellationToken)
    {
        foreach (ProvisioningStepKind kind in kinds)
        {
            try
            {
                removed.Add(await RemoveStepAsync(plan, kind, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.RemoveFailed(plan.TenantId, plan.Names.AgentName, plan.DeploymentId, kind, ex);
                failures.Add(ex);
            }
        }
    }

    private IProvisioningStep Step(ProvisioningStepKind kind) =>
        _steps.TryGetValue(kind, out IProvisioningStep? step) ? step : throw new InvalidOperationException($"No provisioning step is registered for {kind}.");

    private static string Describe(StepOutcome outcome) =>
        string.Join(", ", outcome.Resources.Select(r => $"{r.Kind} {r.Name} {r.Change}"));
}
