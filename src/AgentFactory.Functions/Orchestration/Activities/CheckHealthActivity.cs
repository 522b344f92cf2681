using System.Globalization;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 6: one health check of the started agent: its container runs, and — when the agent serves a queue (it has
/// <c>AGENT_STORAGE</c>) — its heartbeat row in <c>agentheartbeats</c> says running and was written by this run of the
/// container. The orchestration repeats it on a durable timer, bounded.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.CheckHealth)]
public sealed class CheckHealthActivity(IContainerRuntime runtime, ProvisioningStorage storage, IOptions<ProvisioningOptions> provisioning,
    DeploymentEventTable events, TimeProvider time) : DeploymentActivity<HealthCheckInput, HealthSummary>(events, time)
{
    /// <summary>The table the agent program's service mode writes its heartbeat to (docs/AGENT-RUNTIME.md, "Health").</summary>
    public const string HeartbeatTable = "agentheartbeats";

    // The heartbeat's clock is the agent's, the start time the runtime's: allow them to disagree a little.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    protected override ProgressTicket TicketOf(HealthCheckInput input) => input.Ticket;

    protected override async Task<Published<HealthSummary>> ExecuteAsync(HealthCheckInput input, CancellationToken cancellationToken)
    {
        HealthSummary summary = await CheckAsync(input, cancellationToken).ConfigureAwait(false);
        return new Published<HealthSummary>(summary, DeploymentEventTypes.HealthChecked, summary.Healthy
            ? $"The agent is healthy (check {input.Attempt})."
            : $"The agent is not healthy yet (check {input.Attempt}): {summary.Reason}.");
    }

    private async Task<HealthSummary> CheckAsync(HealthCheckInput input, CancellationToken cancellationToken)
    {
        ContainerStatus status;
        try
        {
            status = await runtime.GetStatusAsync(input.Container, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerNotFoundException)
        {
            return Unhealthy("missing", "the container does not exist", input.Attempt);
        }

        string state = AgentWorkLoader.Camel(status.State.ToString());
        if (status.State != ContainerState.Running)
        {
            string code = status.ExitCode is { } exit ? string.Create(CultureInfo.InvariantCulture, $" (exit code {exit})") : "";
            return Unhealthy(state, $"the container is {state}{code}", input.Attempt);
        }

        if (!provisioning.Value.AgentsReachStorage)
        {
            // The agent has no storage to report to: a running container is all there is to see.
            return new HealthSummary { Healthy = true, ContainerState = state, Attempt = input.Attempt };
        }

        TableEntity? beat = await HeartbeatAsync(input.AgentName, cancellationToken).ConfigureAwait(false);
        DateTimeOffset? at = beat?.GetDateTimeOffset("At");
        string? beatStatus = beat?.GetString("Status");
        DateTimeOffset? startedAt = status.StartedAt ?? input.StartedAt;
        string? reason = beat is null ? "the agent has not reported a heartbeat yet"
            : beatStatus != "running" ? $"the agent's heartbeat says '{beatStatus}'"
            : at is null || (startedAt is { } started && at < started - ClockSkew) ? "the last heartbeat is from an earlier run of the agent"
            : null;
        return new HealthSummary { Healthy = reason is null, ContainerState = state, Reason = reason, HeartbeatAt = at, Attempt = input.Attempt };
    }

    private async Task<TableEntity?> HeartbeatAsync(string agentName, CancellationToken cancellationToken)
    {
        try
        {
            NullableResponse<TableEntity> row = await storage.Tables.GetTableClient(HeartbeatTable)
                .GetEntityIfExistsAsync<TableEntity>(agentName, "heartbeat", cancellationToken: cancellationToken).ConfigureAwait(false);
            return row.HasValue ? row.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No agent has written a heartbeat on this account yet: the table does not exist.
            return null;
        }
    }

    private static HealthSummary Unhealthy(string state, string reason, int attempt) =>
        new() { Healthy = false, ContainerState = state, Reason = reason, Attempt = attempt };
}
