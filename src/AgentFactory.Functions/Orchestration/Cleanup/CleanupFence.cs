using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>
/// What keeps a terminated creation from leaving anything behind: an activity of the creation may still be running
/// when the creation is terminated, and finish after the clean-up removed everything. So each activity that makes
/// something (a provisioning step, the agent's start, the name reservation) looks at the deployment row after making
/// it, and undoes it when a clean-up has begun. The clean-up marks the row before it removes anything, so either the
/// clean-up sees what the activity made, or the activity sees the mark. One row read per such activity.
/// </summary>
public sealed class CleanupFence(DeploymentTable deployments)
{
    /// <summary>True when a clean-up of the deployment has begun (its creation must not make anything any more).</summary>
    public async Task<bool> HasBegunAsync(string tenantId, string deploymentId, CancellationToken cancellationToken) =>
        await deployments.GetAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) is { CleanupStartedAt: not null };
}

/// <summary>Thrown by an activity that undid its work because the deployment is being cleaned up.</summary>
public sealed class CleanupBegunException(string deploymentId)
    : InvalidOperationException($"Deployment {deploymentId} is being cleaned up (its creation was terminated); what this step made was removed again.");
