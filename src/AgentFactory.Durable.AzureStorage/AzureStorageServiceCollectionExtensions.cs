using AgentFactory.Durable.Backend;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Registers the Azure Storage backend.</summary>
public static class AzureStorageServiceCollectionExtensions
{
    /// <summary>Uses Azure Storage (or Azurite) as the engine's backend.</summary>
    public static IServiceCollection AddAzureStorageDurableBackend(this IServiceCollection services, Action<AzureStorageOptions> configure)
    {
        services.AddOptions<AzureStorageOptions>().Configure(configure).Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AzureStorageOrchestrationBackend(
            sp.GetRequiredService<IOptions<AzureStorageOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IOrchestrationBackend>(sp => sp.GetRequiredService<AzureStorageOrchestrationBackend>());

        // First hosted service registered = last stopped: the worker finishes its episodes before the leases go.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, BackendLifetime>());
        return services;
    }

    private sealed class BackendLifetime(AzureStorageOrchestrationBackend backend) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => backend.CreateIfNotExistsAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => backend.StopAsync();
    }
}
