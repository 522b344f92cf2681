using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentFactory.Functions.Storage;

/// <summary>Registers the factory's tables and seeds the templates at start.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The factory's tables on <paramref name="storage"/> (a connection string such as <c>UseDevelopmentStorage=true</c> converts),
    /// named with <paramref name="tablePrefix"/>; the shipped templates are seeded when the host starts.
    /// </summary>
    public static IServiceCollection AddFactoryStorage(this IServiceCollection services, FactoryStorageAccount storage, string tablePrefix = "")
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => TemplateCatalog.LoadEmbedded());
        services.AddSingleton(_ => new FactoryTables(storage.CreateTableServiceClient(), tablePrefix));
        services.AddSingleton<TemplateTable>();
        services.AddSingleton<AgentNameTable>();
        services.AddSingleton<IAgentNameRegistry>(sp => sp.GetRequiredService<AgentNameTable>());
        services.AddSingleton<DeploymentTable>();
        services.AddSingleton<SandboxTestTable>();
        services.AddHostedService<TemplateSeeder>();
        return services;
    }
}
