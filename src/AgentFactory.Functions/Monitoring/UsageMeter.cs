using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// Meters a deployed agent's container time from what the runtime says about it, as Container Instances bills it:
/// allocated vCPU and GB per second while the group runs. The monitoring loop already asks the runtime for each
/// agent's status every pass; this turns a change of run (a start, an end) into one usage-row update (a read and a
/// write), so a pass over a steady fleet costs no extra storage request. Run times are the runtime's own
/// (<see cref="ContainerStatus.StartedAt"/>, <see cref="ContainerStatus.FinishedAt"/>), not the pass times: a late pass
/// loses no second. A run that starts and ends between two passes is missed, and a restart between passes is counted
/// from the old start to the new one: both are bounded by the loop's period.
/// </summary>
public sealed class UsageMeter(UsageTable usage)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Brings the usage row up to date with <paramref name="status"/> (null: the container is gone) and returns the run
    /// the row now counts as going, which the caller keeps in the check row (<see cref="HealthCheckState.MeteredRunStartedAt"/>).
    /// With <paramref name="final"/> (the agent is being removed) a running container counts as stopped at <paramref name="now"/>.
    /// </summary>
    public async Task<DateTimeOffset?> ObserveAsync(HealthCheckState state, ContainerStatus? status, DateTimeOffset now, bool final = false,
        CancellationToken cancellationToken = default)
    {
        DateTimeOffset? open = state.MeteredRunStartedAt;
        DateTimeOffset? running = status is { State: ContainerState.Running, StartedAt: { } started } ? started : null;
        if (final)
        {
            if (open is { } last)
            {
                await ApplyAsync(state.Check, now, u => Close(u, last, now), cancellationToken).ConfigureAwait(false);
            }
            else if (running is { } unseen)
            {
                // Removed before any pass saw it run: count the run from its start.
                await ApplyAsync(state.Check, now, u => u.RunningSince is null && (u.LastStoppedAt is null || u.LastStoppedAt < unseen)
                    ? u with { RunSeconds = u.RunSeconds + Seconds(unseen, now), LastStoppedAt = now, Runs = u.Runs + 1, MeteredFrom = Earliest(u, unseen) }
                    : u, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        if (running == open)
        {
            return open;
        }

        await ApplyAsync(state.Check, now, u =>
        {
            if (open is { } previous)
            {
                // Replaced by a new run (it ended at the latest when that began), or ended (when the runtime says, else now).
                DateTimeOffset end = running ?? (status?.FinishedAt is { } finished && finished >= previous ? finished : now);
                u = Close(u, previous, end);
            }

            return running is { } start && u.RunningSince != start
                ? u with { RunningSince = start, Runs = u.Runs + 1, MeteredFrom = Earliest(u, start) }
                : u;
        }, cancellationToken).ConfigureAwait(false);
        return running;
    }

    /// <summary>Closes run <paramref name="start"/> if the row has it open: a run is counted once, whoever closes it.</summary>
    private static AgentUsage Close(AgentUsage u, DateTimeOffset start, DateTimeOffset end) => u.RunningSince == start
        ? u with { RunSeconds = u.RunSeconds + Seconds(start, end), RunningSince = null, LastStoppedAt = end }
        : u;

    private static double Seconds(DateTimeOffset start, DateTimeOffset end) => Math.Max(0, (end - start).TotalSeconds);

    private static DateTimeOffset Earliest(AgentUsage u, DateTimeOffset start) => u.Runs == 0 || start < u.MeteredFrom ? start : u.MeteredFrom;

    /// <summary>Reads the row (or a new one), applies <paramref name="change"/>, writes it under its ETag; a conflict reads again.</summary>
    private async Task ApplyAsync(HealthCheck check, DateTimeOffset now, Func<AgentUsage, AgentUsage> change, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            AgentUsage current = await usage.GetAsync(check.TenantId, check.DeploymentId, cancellationToken).ConfigureAwait(false) ?? new AgentUsage
            {
                TenantId = check.TenantId,
                DeploymentId = check.DeploymentId,
                AgentName = check.AgentName,
                CpuCores = check.CpuCores,
                MemoryGb = check.MemoryGb,
                MeteredFrom = now,
            };
            AgentUsage next = change(current);
            if (next == current)
            {
                return;
            }

            if (await usage.TryWriteAsync(next, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
