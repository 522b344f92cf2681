using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Apis;

/// <summary>What the management API logs: who changed which instance (never payloads).</summary>
internal static partial class DurableTaskApiLogs
{
    public const string Category = "AgentFactory.Functions.Apis.DurableTaskApi";

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Tenant {Tenant} started {Orchestrator} as instance {InstanceId}.")]
    public static partial void Started(this ILogger logger, string tenant, string orchestrator, string instanceId);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Tenant {Tenant}: {Operation} on instance {InstanceId}.")]
    public static partial void Operation(this ILogger logger, string tenant, string operation, string instanceId);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Tenant {Tenant} restarted instance {InstanceId} as {NewInstanceId}.")]
    public static partial void Restarted(this ILogger logger, string tenant, string instanceId, string newInstanceId);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "Tenant {Tenant} purged {Count} instances by filter.")]
    public static partial void PurgedByFilter(this ILogger logger, string tenant, int count);

    public static ILogger DurableTaskApiLogger(this ILoggerFactory loggers) => loggers.CreateLogger(Category);
}
