using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.Worker;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Hosting;

/// <summary>The durable engine of the app, on Azure Storage, and the orchestrations it runs.</summary>
public static class OrchestrationHostingExtensions
{
    /// <summary>
    /// The engine's worker and client over the task hub on <paramref name="storage"/>
    /// (settings from <c>DurableTask:AzureStorage</c>, the hub name also from <c>DurableTask:TaskHub</c>, concurrency
    /// from <c>DurableTask:Worker</c>), running what <see cref="RegisterOrchestrations"/> registers.
    /// </summary>
    public static IServiceCollection AddAgentFactoryOrchestrations(this IServiceCollection services, IConfiguration configuration,
        FactoryStorageAccount storage)
    {
        services.AddOptions<AzureStorageOptions>().BindConfiguration("DurableTask:AzureStorage");
        services.AddAzureStorageDurableBackend(o =>
        {
            storage.Configure(o);
            o.TaskHubName = configuration["DurableTask:TaskHub"] is { Length: > 0 } hub ? hub : o.TaskHubName;
        });
        services.AddOptions<DurableTaskWorkerOptions>().BindConfiguration("DurableTask:Worker");
        services.AddDurableTask(RegisterOrchestrations);

        string tablePrefix = configuration["AgentFactory:TablePrefix"] ?? "";
        services.AddAgentCreation(storage, tablePrefix);
        // The agents' own account when one is configured, else the factory's (local runs).
        FactoryStorageAccount agentStorage = FactoryStorageAccount.FromSetting(configuration, ProvisioningOptions.StorageSetting) ?? storage;
        services.AddProvisioning(storage, tablePrefix, agentStorage);
        // Agents run the agent program at /agent: locally the app's own copy mounted there, in Container Instances the agent
        // image's (which has it there, see src/AgentFactory.AgentRuntime/Dockerfile). They serve their queue on the agents' account.
        bool containerInstances = ContainerProviderServiceCollectionExtensions.UsesContainerInstances(configuration);
        services.PostConfigure<ProvisioningOptions>(o =>
        {
            if (o.AgentCommand.Count == 0)
            {
                foreach (string part in LocalAgentCommand)
                {
                    o.AgentCommand.Add(part);
                }

                if (!containerInstances)
                {
                    o.AgentMounts.Add(new ContainerMount(new SandboxOptions().RuntimeDirectory, SandboxOptions.RuntimeMountPath));
                }
            }

            // Identity-based storage has no connection string to hand an agent: it then signs in with AgentIdentityClientId.
            o.AgentStorageConnection ??= agentStorage.ConnectionString;
        });
        if (containerInstances)
        {
            // A group can neither mount this machine's folders nor reach its processes: sandboxes run the agent image,
            // with the test endpoint as a sidecar in their own group.
            services.AddOptions<SandboxOptions>().PostConfigure<IOptions<ProvisioningOptions>>((o, provisioning) => o.Image ??= provisioning.Value.AgentImage);
            services.AddSingleton<ISandboxEndpoint, SandboxEndpointSidecar>();
        }

        // A development run without a configured key gets one for the life of the process (scripts/run.sh sets one per run);
        // anywhere else a missing key fails the start (SecretStoreOptions is validated on start).
        services.AddOptions<SecretStoreOptions>().PostConfigure<IHostEnvironment>((o, environment) =>
        {
            if (string.IsNullOrWhiteSpace(o.Key) && environment.IsDevelopment())
            {
                o.Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }
        });
        return services;
    }

    private static readonly string[] LocalAgentCommand =
        ["/usr/bin/dotnet", SandboxOptions.RuntimeMountPath + "/AgentFactory.AgentRuntime.dll", "service", "--config", ProvisioningOptions.ConfigurationPath];

    /// <summary>The agent-creation orchestration and its activities (Orchestration/).</summary>
    private static void RegisterOrchestrations(DurableTaskRegistry registry) => registry.RegisterAgentCreation();
}
