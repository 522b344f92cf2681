using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Monitoring;

/// <summary>What the monitoring loop logs (names and reasons; an alert's webhook URL never).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 650, Level = LogLevel.Debug, Message = "Monitoring pass: {Checked} checked, {Failing} failing, {Alerts} alerts, {Recovered} recovered, {Errors} errors.")]
    public static partial void PassCompleted(this ILogger logger, int @checked, int failing, int alerts, int recovered, int errors);

    [LoggerMessage(EventId = 651, Level = LogLevel.Error, Message = "Monitoring pass failed; trying again next period.")]
    public static partial void PassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 652, Level = LogLevel.Error, Message = "Checking {Tenant}/{Agent} failed; trying again next pass.")]
    public static partial void CheckFailed(this ILogger logger, string tenant, string agent, Exception exception);

    [LoggerMessage(EventId = 653, Level = LogLevel.Warning, Message = "Agent {Tenant}/{Agent} alert after {Failures} consecutive failures, sent to {Destination}: {Reason}.")]
    public static partial void AlertSent(this ILogger logger, string tenant, string agent, int failures, AlertDestinationKind destination, string reason);

    [LoggerMessage(EventId = 654, Level = LogLevel.Error, Message = "Agent {Tenant}/{Agent}: the alert to {Destination} could not be sent; trying again next pass.")]
    public static partial void AlertFailed(this ILogger logger, string tenant, string agent, AlertDestinationKind destination, Exception exception);

    [LoggerMessage(EventId = 655, Level = LogLevel.Information, Message = "Agent {Tenant}/{Agent} healthy again after {Failures} failed checks.")]
    public static partial void Recovered(this ILogger logger, string tenant, string agent, int failures);
}
