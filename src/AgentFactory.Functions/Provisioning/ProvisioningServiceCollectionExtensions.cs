using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Provisioning;

/// <summary>Registers provisioning and the monitoring loop.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// Provisioning of agents' queues, storage and containers on <paramref name="agentStorage"/> (the agents' account;
    /// <paramref name="storage"/> when null), their monitoring on the factory's <paramref name="storage"/> (monitoring
    /// rows in <c>{tablePrefix}AgentHealth</c>, metered usage in <c>{tablePrefix}AgentUsage</c>, the alert queue), and the
    /// <see cref="AgentMonitor"/> loop as a hosted service. Options bind to <see cref="ProvisioningOptions.Section"/>
    /// and <see cref="AgentMonitorOptions.Section"/> and are checked at start. An <c>IContainerRuntime</c> must be
    /// registered as well.
    /// </summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, FactoryStorageAccount storage, string tablePrefix = "",
        FactoryStorageAccount? agentStorage = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        FactoryStorageAccount agents = agentStorage ?? storage;
        services.AddOptions<ProvisioningOptions>().BindConfiguration(ProvisioningOptions.Section)
            .Validate(o => o.Problem() is null, "AgentFactory:Provisioning is invalid: AgentCommand needs the agent program, "
                + "DefaultFailureThreshold at least 1, AlertQueueName a valid queue name.")
            .ValidateOnStart();
        if (agents.IsIdentityBased)
        {
            // Checked at start, not when the first agent is provisioned: a deployment that cannot give agents storage
            // fails before it takes a request, instead of leaving half-provisioned agents that never serve their queue.
            services.AddOptions<ProvisioningOptions>()
                .Validate(o => o.AgentsReachStorage, $"The agents' storage ({agents}) is identity-based, so agents cannot reach it with a connection string: "
                    + "set AgentFactory:Provisioning:AgentIdentityClientId to the client id of the managed identity the agents' container groups run as.")
                .ValidateOnStart();
        }

        services.AddOptions<AgentMonitorOptions>().BindConfiguration(AgentMonitorOptions.Section)
            .Validate(o => o.Period > TimeSpan.Zero && o.MaxParallelChecks > 0 && o.WebhookTimeout > TimeSpan.Zero,
                "AgentFactory:Monitoring needs a positive Period, MaxParallelChecks and WebhookTimeout.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new ProvisioningStorage(agents));
        // The factory's account, not the agents': an agent must not be able to forge its health, usage or alerts.
        services.AddSingleton(_ => new MonitoringTable(storage.CreateTableServiceClient(), tablePrefix));
        services.AddSingleton(_ => new UsageTable(storage.CreateTableServiceClient(), tablePrefix));
        services.AddSingleton<UsageMeter>();
        services.AddSingleton<ProvisioningPlanner>();
        services.AddSingleton<IProvisioningStep, QueueStep>();
        services.AddSingleton<IProvisioningStep, StorageStep>();
        services.AddSingleton<IProvisioningStep, ContainerStep>();
        services.AddSingleton<IProvisioningStep, MonitoringStep>();
        services.AddSingleton<Provisioner>();
        // A long-lived client whose pooled connections are renewed, so a webhook's DNS change is seen.
        services.AddSingleton(sp => new AlertSender(storage.CreateQueueServiceClient(),
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }),
            sp.GetRequiredService<IOptions<AgentMonitorOptions>>()));
        services.AddSingleton<AgentMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentMonitor>());
        return services;
    }
}
