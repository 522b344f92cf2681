namespace AgentFactory.Durable;

/// <summary>An orchestrator as the engine runs it: input type plus an entry point.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The type the input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestrator; the returned value becomes the output.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>Base class for class-based orchestrators (resolved from DI, one instance per episode).</summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);

    /// <summary>The orchestration's code. It must be deterministic: reach the world only through <paramref name="context"/>.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);
}

/// <summary>An activity as the engine runs it.</summary>
public interface ITaskActivity
{
    /// <summary>The type the input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity; the returned value becomes its result.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input, CancellationToken cancellationToken);
}

/// <summary>Base class for class-based activities (resolved from DI, one scope per call).</summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input, CancellationToken cancellationToken) =>
        await RunAsync(context, (TInput)input!, cancellationToken);

    /// <summary>The activity's code. Activities run at least once: make side effects idempotent.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input, CancellationToken cancellationToken);
}

/// <summary>Gives a class-based orchestrator or activity a name other than its class name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DurableTaskAttribute(string name) : Attribute
{
    /// <summary>The registered name.</summary>
    public string Name { get; } = name;
}
