namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// The alert the monitoring loop sends, as JSON (camelCase): <c>{tenant, agent, deployment, reason,
/// consecutiveFailures, at}</c>. A wire format for whoever reads the alert queue or webhook: add, never rename.
/// </summary>
/// <param name="Tenant">The agent's tenant.</param>
/// <param name="Agent">The agent's name.</param>
/// <param name="Deployment">The deployment that provisioned it.</param>
/// <param name="Reason">Why the latest check failed, e.g. "container failed (exit code 3)".</param>
/// <param name="ConsecutiveFailures">Failed checks in a row when the alert was raised.</param>
/// <param name="At">When it was raised.</param>
public sealed record AlertMessage(string Tenant, string Agent, string Deployment, string Reason, int ConsecutiveFailures, DateTimeOffset At);
