using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Durable;

/// <summary>The orchestrators and activities a worker can run, by case-insensitive name.</summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers a class-based orchestrator under its <see cref="DurableTaskAttribute"/> name or class name.</summary>
    public DurableTaskRegistry AddOrchestrator<T>() where T : class, ITaskOrchestrator =>
        AddOrchestrator(NameOf(typeof(T)), sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an orchestrator factory under <paramref name="name"/>.</summary>
    public DurableTaskRegistry AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_orchestrators.TryAdd(name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers a lambda orchestrator.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    {
        var orchestrator = new FuncOrchestrator<TInput, TOutput>(run);
        return AddOrchestrator(name, _ => orchestrator);
    }

    /// <summary>Registers a lambda orchestrator that takes no input.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TOutput>(string name, Func<TaskOrchestrationContext, Task<TOutput>> run) =>
        AddOrchestratorFunc<object?, TOutput>(name, (context, _) => run(context));

    /// <summary>Registers a lambda orchestrator that returns no output.</summary>
    public DurableTaskRegistry AddOrchestratorFunc(string name, Func<TaskOrchestrationContext, Task> run) =>
        AddOrchestratorFunc<object?, object?>(name, async (context, _) =>
        {
            await run(context);
            return null;
        });

    /// <summary>Registers a class-based activity under its <see cref="DurableTaskAttribute"/> name or class name.</summary>
    public DurableTaskRegistry AddActivity<T>() where T : class, ITaskActivity =>
        AddActivity(NameOf(typeof(T)), sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an activity factory under <paramref name="name"/>.</summary>
    public DurableTaskRegistry AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an asynchronous lambda activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run)
    {
        var activity = new FuncActivity<TInput, TOutput>((context, input, _) => run(context, input));
        return AddActivity(name, _ => activity);
    }

    /// <summary>Registers a synchronous lambda activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, TOutput> run) =>
        AddActivityFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(run(context, input)));

    internal bool TryGetOrchestrator(string name, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var factory) ? factory(services) : null;
        return orchestrator is not null;
    }

    internal bool TryGetActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var factory) ? factory(services) : null;
        return activity is not null;
    }

    private static string NameOf(Type type) => type.GetCustomAttribute<DurableTaskAttribute>()?.Name ?? type.Name;

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
        : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, CancellationToken, Task<TOutput>> run)
        : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input, CancellationToken cancellationToken) =>
            run(context, input, cancellationToken);
    }
}
