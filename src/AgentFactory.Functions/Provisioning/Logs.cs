using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Provisioning;

/// <summary>What provisioning logs: step names and resource names, never a configuration value.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Provisioning {Tenant}/{Agent} (deployment {Deployment}): {Step} {Changes}.")]
    public static partial void StepApplied(this ILogger logger, string tenant, string agent, string deployment, ProvisioningStepKind step, string changes);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Deprovisioning {Tenant}/{Agent} (deployment {Deployment}): {Step} {Changes}.")]
    public static partial void StepRemoved(this ILogger logger, string tenant, string agent, string deployment, ProvisioningStepKind step, string changes);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Provisioning {Tenant}/{Agent} (deployment {Deployment}): step {Step} failed; compensating: {Compensating}.")]
    public static partial void StepFailed(this ILogger logger, string tenant, string agent, string deployment, ProvisioningStepKind step, bool compensating, Exception exception);

    [LoggerMessage(EventId = 603, Level = LogLevel.Error, Message = "Removing step {Step} of {Tenant}/{Agent} (deployment {Deployment}) failed; its resources may remain.")]
    public static partial void RemoveFailed(this ILogger logger, string tenant, string agent, string deployment, ProvisioningStepKind step, Exception exception);
}
