using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>The end of a successful creation: the agent's name now belongs to a running agent.</summary>
[Durable.DurableTask(AgentCreationActivities.ActivateAgent)]
public sealed class ActivateAgentActivity(AgentNameTable names, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<ActivateAgentInput, bool>(events, time)
{
    protected override ProgressTicket TicketOf(ActivateAgentInput input) => input.Ticket;

    protected override async Task<Published<bool>> ExecuteAsync(ActivateAgentInput input, CancellationToken cancellationToken)
    {
        bool activated = await names.ActivateAsync(input.Ticket.TenantId, input.AgentName, input.Ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
        return new Published<bool>(activated, DeploymentEventTypes.AgentActivated, activated
            ? $"Agent '{input.AgentName}' is active."
            : $"The name '{input.AgentName}' is no longer held by this deployment.");
    }
}

/// <summary>
/// Compensation and reset: gives back what the deployment holds besides provisioned resources — a sandbox left by a
/// crash in the middle of a run, the reserved name (only if this deployment still holds it), and the secret values.
/// Each part is idempotent.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.ReleaseDeployment)]
public sealed class ReleaseDeploymentActivity(SandboxService sandbox, IContainerRuntime runtime, AgentNameTable names, ISecretStore secrets,
    DeploymentEventTable events, TimeProvider time) : DeploymentActivity<ReleaseDeploymentInput, ReleaseResult>(events, time)
{
    protected override ProgressTicket TicketOf(ReleaseDeploymentInput input) => input.Ticket;

    protected override async Task<Published<ReleaseResult>> ExecuteAsync(ReleaseDeploymentInput input, CancellationToken cancellationToken)
    {
        ProgressTicket ticket = input.Ticket;
        var released = new List<ResourceInfo>();
        string sandboxName = SandboxService.ContainerName(ticket.DeploymentId);
        if (await runtime.GetAsync(sandboxName, cancellationToken).ConfigureAwait(false) is not null)
        {
            await sandbox.StopAsync(ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
            released.Add(new ResourceInfo("release", "sandbox", sandboxName, "deleted"));
        }

        if (input.AgentName is { } name && await names.ReleaseAsync(ticket.TenantId, name, ticket.DeploymentId, cancellationToken).ConfigureAwait(false))
        {
            released.Add(new ResourceInfo("release", "agentName", name, "released"));
        }

        if (input.DeleteSecrets)
        {
            int deleted = await secrets.DeleteAllAsync(ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                released.Add(new ResourceInfo("release", "secrets", $"{deleted} secret value(s)", "deleted"));
            }
        }

        return new Published<ReleaseResult>(new ReleaseResult(released), DeploymentEventTypes.Released, released.Count == 0
            ? "Nothing else to release."
            : "Released " + string.Join(", ", released.Select(r => $"{r.Kind} {r.Name}")) + ".");
    }
}
