using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentFactory.Functions.Apis;

/// <summary>Where agents are priced and deployed.</summary>
public sealed class FactoryDomainOptions
{
    /// <summary>The Azure region agents are deployed to and priced for.</summary>
    public string Region { get; set; } = "eastus";

    /// <summary>The runtime agents run on: Container Instances limits, or this machine's capacity.</summary>
    public RuntimeKind Runtime { get; set; } = RuntimeKind.Local;
}

/// <summary>Registers the domain: catalogs, validation with its seams, pricing.</summary>
public static class FactoryDomainServiceCollectionExtensions
{
    public static IServiceCollection AddFactoryDomain(this IServiceCollection services, Action<FactoryDomainOptions>? configure = null)
    {
        var options = new FactoryDomainOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(_ => TemplateCatalog.LoadEmbedded());
        services.TryAddSingleton(_ => DependencyCatalog.LoadEmbedded());
        // The API's ad-hoc sandboxes keep their configuration like deployments do: the secrets in the secret store.
        services.TryAddSingleton(sp => new SandboxSessions(sp.GetRequiredService<Storage.FactoryTables>().Service, sp.GetRequiredService<Storage.FactoryTables>().Prefix,
            sp.GetRequiredService<Orchestration.Secrets.ISecretStore>(), sp.GetRequiredService<TemplateCatalog>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(_ => options.Runtime == RuntimeKind.AzureContainerInstances ? RuntimeProfile.AzureContainerInstances : LocalProfile());
        services.TryAddSingleton(PriceSheetCatalog.BuiltIn);
        services.TryAddSingleton<ICostEstimator, CostEstimator>();
        services.TryAddSingleton(sp => new ConfigurationCostEstimator(sp.GetRequiredService<ICostEstimator>(), sp.GetRequiredService<PriceSheetCatalog>(),
            sp.GetRequiredService<RuntimeProfile>(), options.Region));
        services.TryAddSingleton<IMonthlyCostEstimator>(sp => sp.GetRequiredService<ConfigurationCostEstimator>());
        services.TryAddSingleton(sp => new ConfigurationRules(sp.GetRequiredService<TemplateCatalog>(), sp.GetRequiredService<DependencyCatalog>(),
            sp.GetRequiredService<RuntimeProfile>(), sp.GetRequiredService<IMonthlyCostEstimator>()));
        services.TryAddSingleton<ICapacityProvider>(sp =>
        {
            RuntimeProfile runtime = sp.GetRequiredService<RuntimeProfile>();
            return runtime.Kind == RuntimeKind.AzureContainerInstances
                ? ConfiguredCapacityProvider.AciDefaultQuota
                : new ConfiguredCapacityProvider(new CapacitySnapshot(runtime.MaxCpuCores, runtime.MaxMemoryMb));
        });
        services.TryAddSingleton<AgentConfigurationValidator>();
        return services;
    }

    // The local runtime runs agents on this machine: what it has is what an agent may ask for.
    private static RuntimeProfile LocalProfile() => RuntimeProfile.Local(
        Environment.ProcessorCount,
        (int)Math.Min(int.MaxValue, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024)),
        50);
}
