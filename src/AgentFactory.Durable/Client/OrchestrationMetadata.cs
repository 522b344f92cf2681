using AgentFactory.Durable.History;

namespace AgentFactory.Durable;

/// <summary>An orchestration instance's status record, as backends store it and clients read it.</summary>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    /// <summary>Id of the current execution (changes on ContinueAsNew and restart).</summary>
    public string ExecutionId { get; init; } = "";

    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime LastUpdatedAt { get; init; }

    /// <summary>When the instance reached a terminal status.</summary>
    public DateTime? CompletedAt { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public FailureDetails? FailureDetails { get; init; }

    /// <summary>Free-form tags given at start (for example the tenant).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The parent's instance id when this is a sub-orchestration.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>True while Pending, Running or Suspended.</summary>
    public bool IsRunning => !RuntimeStatus.IsTerminal();

    /// <summary>True when Completed, Failed or Terminated.</summary>
    public bool IsCompleted => RuntimeStatus.IsTerminal();

    /// <summary>The input as <typeparamref name="T"/>.</summary>
    public T? ReadInputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedInput);

    /// <summary>The output as <typeparamref name="T"/>.</summary>
    public T? ReadOutputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedOutput);

    /// <summary>The custom status as <typeparamref name="T"/>.</summary>
    public T? ReadCustomStatusAs<T>() => DataConverter.Default.Deserialize<T>(SerializedCustomStatus);

    /// <summary>The record of an instance that a start message creates (a sub-orchestration): Pending, from the start's data.</summary>
    public static OrchestrationMetadata Pending(string instanceId, ExecutionStartedEvent started) => new(started.Name, instanceId)
    {
        ExecutionId = started.ExecutionId,
        RuntimeStatus = OrchestrationRuntimeStatus.Pending,
        CreatedAt = started.Timestamp,
        LastUpdatedAt = started.Timestamp,
        SerializedInput = started.Input,
        Tags = started.Tags,
        ParentInstanceId = started.Parent?.InstanceId,
    };

    /// <summary>A copy without input, output and custom status (cheap listings).</summary>
    public OrchestrationMetadata WithoutPayloads() => this with { SerializedInput = null, SerializedOutput = null, SerializedCustomStatus = null };
}
