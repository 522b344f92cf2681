namespace AgentFactory.Durable.Worker;

/// <summary>Concurrency and limits of a worker. Bind from configuration section "DurableTask:Worker".</summary>
public sealed class DurableTaskWorkerOptions
{
    /// <summary>Episodes processed at once (each is CPU-bound and short).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>Activities run at once.</summary>
    public int MaxConcurrentActivities { get; set; } = Environment.ProcessorCount * 8;

    /// <summary>Largest payload in bytes.</summary>
    public int MaxPayloadBytes { get; set; } = EngineLimits.Default.MaxPayloadBytes;

    /// <summary>Largest custom status in bytes.</summary>
    public int MaxCustomStatusBytes { get; set; } = EngineLimits.Default.MaxCustomStatusBytes;

    /// <summary>The limits these options describe.</summary>
    public EngineLimits ToLimits() => new() { MaxPayloadBytes = MaxPayloadBytes, MaxCustomStatusBytes = MaxCustomStatusBytes };
}
