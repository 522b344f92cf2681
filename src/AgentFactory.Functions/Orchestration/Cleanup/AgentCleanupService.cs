using AgentFactory.Durable;
using AgentFactory.Functions.Apis;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>What a delete request came to.</summary>
public enum DeleteOutcome
{
    /// <summary>The deletion is under way or done (asking again is the same deletion).</summary>
    Accepted,

    /// <summary>The tenant has no such deployment.</summary>
    NotFound,

    /// <summary>The deployment is not a deployed agent: still in its wizard, or ended without one.</summary>
    Conflict,
}

/// <summary>The answer to a delete request.</summary>
public sealed record DeleteResult(DeleteOutcome Outcome, string? Reason = null);

/// <summary>
/// Starts clean-ups (<see cref="AgentCleanupOrchestrator"/>): after the management API terminates an agent creation
/// (as its <see cref="IDurableTerminationHook"/>), and when a deployed agent is deleted.
/// </summary>
public sealed class AgentCleanupService(DurableTaskClient client, DeploymentTable deployments, IOptions<AgentCreationOptions> options,
    ILogger<AgentCleanupService> logger) : IDurableTerminationHook
{
    /// <inheritdoc/>
    public async Task BeforeTerminateAsync(OrchestrationMetadata instance, string? reason, CancellationToken cancellationToken)
    {
        if (instance.Name != AgentCreationOrchestrator.Name || instance.Tags?.GetValueOrDefault("tenant") is not { Length: > 0 } tenant)
        {
            return;
        }

        await ScheduleAsync(tenant, instance.InstanceId, CleanupKinds.Terminate, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a deployed agent: schedules its clean-up (202). Deleting again while it runs or after it finished is the
    /// same deletion (202). A deployment still in its wizard, or that ended without an agent, is a conflict.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(string tenantId, string deploymentId, CancellationToken cancellationToken = default)
    {
        if (!AgentCreationService.IsKey(tenantId) || !AgentCreationService.IsKey(deploymentId)
            || await deployments.GetAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return new DeleteResult(DeleteOutcome.NotFound);
        }

        switch (record.Status)
        {
            case DeploymentStatus.Deleted:
                return new DeleteResult(DeleteOutcome.Accepted);
            case DeploymentStatus.Succeeded or DeploymentStatus.Deleting:
                await ScheduleAsync(tenantId, deploymentId, CleanupKinds.Delete, null, cancellationToken).ConfigureAwait(false);
                return new DeleteResult(DeleteOutcome.Accepted);
            case DeploymentStatus.Failed or DeploymentStatus.Cancelled or DeploymentStatus.Expired or DeploymentStatus.Terminating or DeploymentStatus.Terminated:
                return new DeleteResult(DeleteOutcome.Conflict,
                    $"The deployment ended without an agent ({record.Status}); what it made was removed when it ended, so there is nothing to delete.");
            default:
                return new DeleteResult(DeleteOutcome.Conflict,
                    $"The deployment is still being created (step {record.Step}); cancel it instead: POST /api/platform/factory/agents/{deploymentId}/cancel.");
        }
    }

    private async Task ScheduleAsync(string tenantId, string deploymentId, string kind, string? reason, CancellationToken cancellationToken)
    {
        AgentCreationOptions o = options.Value;
        var input = new CleanupInput
        {
            TenantId = tenantId,
            DeploymentId = deploymentId,
            Kind = kind,
            Reason = reason is { Length: > 500 } ? reason[..500] : reason,
            ActivityMaxAttempts = o.ActivityMaxAttempts,
            ActivityRetryInterval = o.ActivityRetryInterval,
            PollInterval = o.HealthCheckInterval,
        };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(AgentCleanupOrchestrator.Name, input, new StartOrchestrationOptions
            {
                InstanceId = AgentCleanupOrchestrator.InstanceIdOf(deploymentId),
                Tags = new Dictionary<string, string> { ["tenant"] = tenantId },
            }, cancellationToken).ConfigureAwait(false);
            logger.CleanupScheduled(deploymentId, kind);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Asked before: that clean-up is the one.
        }
    }
}
