using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Orchestration;

/// <summary>What agent creation logs: ids, steps, states and names — never a configuration value.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Deployment {Deployment}: step {Step} ({StepName}), {State}.")]
    public static partial void StepEntered(this ILogger logger, string deployment, int step, string stepName, string state);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Deployment {Deployment} ended {State}: {Message}")]
    public static partial void CreationEnded(this ILogger logger, string deployment, string state, string message);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Deployment {Deployment}: {Activity} failed: {Reason}")]
    public static partial void ActivityFailed(this ILogger logger, string deployment, string activity, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Deployment {Deployment}: the sandbox could not be removed after its run; compensation removes it.")]
    public static partial void SandboxStopFailed(this ILogger logger, string deployment, Exception exception);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "Deployment {Deployment} created for tenant {Tenant} (automation: {Automation}).")]
    public static partial void DeploymentCreated(this ILogger logger, string deployment, string tenant, bool automation);

    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "Deployment {Deployment}: {Event} accepted at step {Step}.")]
    public static partial void InputAccepted(this ILogger logger, string deployment, string @event, int step);

    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "Deployment {Deployment}: clean-up ({Kind}) scheduled.")]
    public static partial void CleanupScheduled(this ILogger logger, string deployment, string kind);
}
