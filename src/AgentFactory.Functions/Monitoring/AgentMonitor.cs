using AgentFactory.Functions.Containers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Monitoring;

/// <summary>What one monitoring pass found.</summary>
/// <param name="Checked">Registrations checked.</param>
/// <param name="Failing">Agents whose check failed.</param>
/// <param name="AlertsSent">Alerts delivered.</param>
/// <param name="Recovered">Agents healthy again after failing.</param>
/// <param name="Errors">Agents that could not be checked or updated (logged; tried again next pass).</param>
public sealed record MonitorPass(int Checked, int Failing, int AlertsSent, int Recovered, int Errors);

/// <summary>
/// The monitoring loop: every <see cref="AgentMonitorOptions.Period"/> it checks each registered agent's container,
/// counts consecutive failures in the registration row, and when the alert rule's threshold is reached sends one
/// alert — not again until the agent has recovered. Counters live in Table storage under ETags, so several factory
/// processes may run the loop: for each pass of each agent one update wins, and only the winner alerts.
/// </summary>
public sealed partial class AgentMonitor(
    MonitoringTable table,
    IContainerRuntime runtime,
    AlertSender alerts,
    IOptions<AgentMonitorOptions> options,
    TimeProvider time,
    ILogger<AgentMonitor> logger,
    UsageMeter? usage = null) : BackgroundService
{
    /// <summary>One pass over every registration (what the timer runs; tests call it directly).</summary>
    public async Task<MonitorPass> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<MonitoredAgent> agents = await table.ListAsync(cancellationToken).ConfigureAwait(false);
        var tally = new Tally();
        await Parallel.ForEachAsync(agents, new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxParallelChecks),
            CancellationToken = cancellationToken,
        }, async (agent, token) =>
        {
            try
            {
                await CheckAsync(agent, tally, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // One agent's trouble (storage hiccup, runtime error) must not stop the others' checks.
                Interlocked.Increment(ref tally.Errors);
                logger.CheckFailed(agent.State.Check.TenantId, agent.State.Check.AgentName, ex);
            }
        }).ConfigureAwait(false);
        return new MonitorPass(agents.Count, tally.Failing, tally.AlertsSent, tally.Recovered, tally.Errors);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Period, time);
        do
        {
            try
            {
                MonitorPass pass = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                logger.PassCompleted(pass.Checked, pass.Failing, pass.AlertsSent, pass.Recovered, pass.Errors);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The table was unreachable: the loop lives on and tries again next period.
                logger.PassFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task CheckAsync(MonitoredAgent agent, Tally tally, CancellationToken cancellationToken)
    {
        HealthCheckState state = agent.State;
        (string? failure, ContainerStatus? status) = await ProbeAsync(state.Check, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        // Usage metering rides on the status just read: only a run that started or ended costs storage requests.
        DateTimeOffset? metered = usage is null ? state.MeteredRunStartedAt
            : await usage.ObserveAsync(state, status, now, cancellationToken: cancellationToken).ConfigureAwait(false);
        bool meterChanged = metered != state.MeteredRunStartedAt;
        state = state with { MeteredRunStartedAt = metered };
        if (failure is null)
        {
            bool recovered = state.ConsecutiveFailures > 0 || state.Alerted;
            if (recovered || meterChanged)
            {
                // Writes only on a change: a healthy fleet costs one table scan per pass, not a write per agent.
                if (await table.TryUpdateAsync(state with { ConsecutiveFailures = 0, Alerted = false, LastReason = null, UpdatedAt = now }, cancellationToken)
                    .ConfigureAwait(false) is not null && recovered)
                {
                    Interlocked.Increment(ref tally.Recovered);
                    logger.Recovered(state.Check.TenantId, state.Check.AgentName, state.ConsecutiveFailures);
                }
            }

            return;
        }

        Interlocked.Increment(ref tally.Failing);
        int failures = state.ConsecutiveFailures + 1;
        bool alertNow = !state.Alerted && agent.Rule is { } rule && failures >= rule.FailureThreshold;
        // Claim the alert in the same guarded write that counts the failure: of two monitors, only the one whose
        // write lands sends it.
        HealthCheckState? counted = await table.TryUpdateAsync(
            state with { ConsecutiveFailures = failures, Alerted = state.Alerted || alertNow, LastReason = failure, UpdatedAt = now }, cancellationToken)
            .ConfigureAwait(false);
        if (counted is null || !alertNow)
        {
            return;
        }

        var alert = new AlertMessage(state.Check.TenantId, state.Check.AgentName, state.Check.DeploymentId, failure, failures, now);
        try
        {
            await alerts.SendAsync(agent.Rule!, alert, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Release the claim so the next pass tries again, rather than never alerting about this outage.
            await table.TryUpdateAsync(counted with { Alerted = false }, CancellationToken.None).ConfigureAwait(false);
            logger.AlertFailed(state.Check.TenantId, state.Check.AgentName, agent.Rule!.Destination, ex);
            Interlocked.Increment(ref tally.Errors);
            return;
        }

        Interlocked.Increment(ref tally.AlertsSent);
        logger.AlertSent(state.Check.TenantId, state.Check.AgentName, failures, agent.Rule!.Destination, failure);
    }

    /// <summary>Null when healthy, else why not; and the status read (null when the container is gone).</summary>
    private async Task<(string? Failure, ContainerStatus? Status)> ProbeAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        ContainerStatus status;
        try
        {
            status = await runtime.GetStatusAsync(check.ContainerName, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerNotFoundException)
        {
            return ("container not found", null);
        }

        return (status.State switch
        {
            ContainerState.Running => null,
            ContainerState.Succeeded when check.IdleExitIsHealthy => null,
            // Prepared and not started yet: the wizard starts it only after the person confirms (step 6).
            ContainerState.Created => null,
            _ => $"container {status.State.ToString().ToLowerInvariant()}" +
                 (status.ExitCode is { } code ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (exit code {code})") : ""),
        }, status);
    }

    private sealed class Tally
    {
        public int Failing;
        public int AlertsSent;
        public int Recovered;
        public int Errors;
    }
}
