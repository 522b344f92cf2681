using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>What the local container runtime logs. Never an environment value: secrets stay out by construction.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Container isolation ready: {Description}.")]
    public static partial void IsolationReady(this ILogger logger, string description);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Container {Name} created: {Cpu} CPU, {Memory} bytes, network {Network}, env {EnvironmentNames}.")]
    public static partial void Created(this ILogger logger, string name, decimal cpu, long memory, bool network, string environmentNames);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Container {Name} started (restart {Restart}, pid {Pid}).")]
    public static partial void Started(this ILogger logger, string name, int restart, int pid);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Container {Name} ended: {State}, exit code {ExitCode}, {CpuSeconds:F2} s CPU, peak {PeakBytes} bytes.")]
    public static partial void Ended(this ILogger logger, string name, ContainerState state, int exitCode, double cpuSeconds, long peakBytes);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "Container {Name} stopping: SIGTERM, SIGKILL after {Grace}.")]
    public static partial void Stopping(this ILogger logger, string name, TimeSpan grace);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "Container {Name} deleted (logs kept: {KeepLogs}).")]
    public static partial void Deleted(this ILogger logger, string name, bool keepLogs);

    [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "Container {Name} was running when the runtime process that ran it ended; it is marked failed.")]
    public static partial void Orphaned(this ILogger logger, string name);

    [LoggerMessage(EventId = 507, Level = LogLevel.Error, Message = "Container {Name}: could not start its sandbox.")]
    public static partial void StartFailed(this ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 508, Level = LogLevel.Error, Message = "Container {Name}: reading its output or exit failed.")]
    public static partial void MonitorFailed(this ILogger logger, string name, Exception exception);
}
