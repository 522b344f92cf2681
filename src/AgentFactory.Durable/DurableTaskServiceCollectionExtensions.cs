using AgentFactory.Durable.Backend;
using AgentFactory.Durable.InMemory;
using AgentFactory.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Durable;

/// <summary>Registers the engine: a worker (hosted service), a client and their shared pieces.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the worker and the client. <paramref name="registry"/> registers orchestrators and activities.
    /// A backend (<see cref="IOrchestrationBackend"/>) must be registered too, e.g. <see cref="AddInMemoryDurableBackend"/>.
    /// </summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> registry,
        Action<DurableTaskWorkerOptions>? configure = null)
    {
        var tasks = new DurableTaskRegistry();
        registry(tasks);
        services.AddSingleton(tasks);
        services.TryAddSingleton(TimeProvider.System);
        OptionsBuilder<DurableTaskWorkerOptions> options = services.AddOptions<DurableTaskWorkerOptions>()
            .Validate(o => o.MaxConcurrentOrchestrations > 0 && o.MaxConcurrentActivities > 0, "Worker concurrency must be at least 1.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHostedService<DurableTaskWorker>();
        services.TryAddSingleton(sp => new DurableTaskClient(
            sp.GetRequiredService<IOrchestrationBackend>(),
            sp.GetRequiredService<IOptions<DurableTaskWorkerOptions>>().Value.ToLimits(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Uses the in-memory backend (tests, samples, benchmarks of the engine alone).</summary>
    public static IServiceCollection AddInMemoryDurableBackend(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOrchestrationBackend>(sp => new InMemoryOrchestrationBackend(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
