using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.Worker;

namespace AgentFactory.Functions.Hosting;

/// <summary>The durable engine of the app, on Azure Storage, and the orchestrations it runs.</summary>
public static class OrchestrationHostingExtensions
{
    /// <summary>
    /// The engine's worker and client over the task hub on the account of <paramref name="connectionString"/>
    /// (settings from <c>DurableTask:AzureStorage</c>, the hub name also from <c>DurableTask:TaskHub</c>, concurrency
    /// from <c>DurableTask:Worker</c>), running what <see cref="RegisterOrchestrations"/> registers.
    /// </summary>
    public static IServiceCollection AddAgentFactoryOrchestrations(this IServiceCollection services, IConfiguration configuration,
        string connectionString)
    {
        services.AddOptions<AzureStorageOptions>().BindConfiguration("DurableTask:AzureStorage");
        services.AddAzureStorageDurableBackend(o =>
        {
            o.ConnectionString = connectionString;
            o.TaskHubName = configuration["DurableTask:TaskHub"] is { Length: > 0 } hub ? hub : o.TaskHubName;
        });
        services.AddOptions<DurableTaskWorkerOptions>().BindConfiguration("DurableTask:Worker");
        services.AddDurableTask(RegisterOrchestrations);
        return services;
    }

    /// <summary>
    /// The extension point for the agent-creation orchestration and its activities (Orchestration/): they register
    /// here, together with the services the activities need (provisioning, the container runtime, the sandbox).
    /// Until then the worker runs and the client works, with nothing to run.
    /// </summary>
    private static void RegisterOrchestrations(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
    }
}
