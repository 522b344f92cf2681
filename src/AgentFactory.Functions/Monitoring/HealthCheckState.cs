using Azure;

namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// A registration as stored: the check, and what the monitoring loop has counted so far. <see cref="ETag"/> guards
/// updates, so two monitor processes never both count one pass or both send one alert.
/// </summary>
/// <param name="Check">What is checked.</param>
/// <param name="ConsecutiveFailures">Failed checks in a row (0 after a healthy one).</param>
/// <param name="Alerted">True once this run of failures has raised its alert; cleared on recovery.</param>
/// <param name="LastReason">Why the latest failed check failed (null when healthy).</param>
/// <param name="UpdatedAt">When the loop last changed this row.</param>
/// <param name="ETag">The row's version.</param>
/// <param name="MeteredRunStartedAt">The start of the container run the usage row counts as still running (null when none).</param>
public sealed record HealthCheckState(HealthCheck Check, int ConsecutiveFailures, bool Alerted, string? LastReason, DateTimeOffset? UpdatedAt, ETag ETag,
    DateTimeOffset? MeteredRunStartedAt = null);

/// <summary>A registered agent with its alert rule (null when the rule row is missing, e.g. halfway through removal).</summary>
public sealed record MonitoredAgent(HealthCheckState State, AlertRule? Rule);
