using AgentFactory.Core.Validation;
using AgentFactory.Functions.Containers.Azure;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Containers;

/// <summary>Which <see cref="IContainerRuntime"/> runs agents: chosen by <c>AgentFactory:Containers:Provider</c>.</summary>
public static class ContainerProviderServiceCollectionExtensions
{
    /// <summary>The provider setting.</summary>
    public const string ProviderSetting = "AgentFactory:Containers:Provider";

    /// <summary>Bubblewrap with cgroups on this machine (the default).</summary>
    public const string Local = "Local";

    /// <summary>Azure Container Instances through ARM, settings in <see cref="ContainerInstancesOptions.Section"/>.</summary>
    public const string AzureContainerInstances = "AzureContainerInstances";

    /// <summary>True when agents run in Azure Container Instances (which cannot mount this machine's folders or reach its processes).</summary>
    public static bool UsesContainerInstances(IConfiguration configuration) =>
        string.Equals(configuration[ProviderSetting], AzureContainerInstances, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Registers the configured provider. <c>Local</c> (or nothing) leaves the registration to <c>AddFactorySandbox</c>,
    /// which adds the bubblewrap runtime when no other is registered. <c>AzureContainerInstances</c> registers
    /// <see cref="ContainerInstancesRuntime"/> (signed in with DefaultAzureCredential, or the managed identity whose
    /// client id is <c>ManagedIdentityClientId</c>) and makes availability checks read the region's usage.
    /// Call it before <c>AddFactorySandbox</c>. Anything else fails the start, naming the setting.
    /// </summary>
    public static IServiceCollection AddFactoryContainers(this IServiceCollection services, IConfiguration configuration)
    {
        string provider = configuration[ProviderSetting] is { Length: > 0 } p ? p : Local;
        if (string.Equals(provider, Local, StringComparison.OrdinalIgnoreCase))
        {
            return services;
        }

        if (!string.Equals(provider, AzureContainerInstances, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{ProviderSetting} '{provider}' is not a container provider: use {Local} or {AzureContainerInstances}.");
        }

        services.AddOptions<ContainerInstancesOptions>().BindConfiguration(ContainerInstancesOptions.Section)
            .Validate(o => o.Problem() is null, "AgentFactory:Containers:Aci needs SubscriptionId, ResourceGroup and Location, "
                + "RestartPolicy Always, OnFailure or Never, and positive intervals.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            ContainerInstancesOptions options = sp.GetRequiredService<IOptions<ContainerInstancesOptions>>().Value;
            return new ContainerInstancesClient(options, FactoryStorageAccount.CredentialFrom(null, options.ManagedIdentityClientId),
                timeProvider: sp.GetService<TimeProvider>());
        });
        services.AddSingleton(sp => new ContainerInstancesRuntime(sp.GetRequiredService<ContainerInstancesClient>(),
            sp.GetRequiredService<IOptions<ContainerInstancesOptions>>().Value, sp.GetService<TimeProvider>()));
        services.AddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<ContainerInstancesRuntime>());
        // Registered after the domain's configured figures: those stay the tenant's quota, the region's usage caps them.
        services.AddSingleton<ICapacityProvider>(sp => new ContainerInstancesCapacityProvider(sp.GetRequiredService<ContainerInstancesRuntime>(),
            ConfiguredCapacityProvider.AciDefaultQuota));
        return services;
    }
}
