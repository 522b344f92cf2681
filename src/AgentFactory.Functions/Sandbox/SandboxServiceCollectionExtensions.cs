using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Sandbox;

/// <summary>Registers the local container runtime and the sandbox on it.</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="SandboxOptions"/>.</summary>
    public const string SandboxSection = "AgentFactory:Sandbox";

    /// <summary>
    /// The bubblewrap runtime (Linux; refuses at first use, saying what is missing, when isolation is unavailable)
    /// and the sandbox, with logs in <paramref name="storage"/>.
    /// </summary>
    public static IServiceCollection AddFactorySandbox(this IServiceCollection services, FactoryStorageAccount storage,
        Action<BubblewrapContainerRuntimeOptions>? runtime = null, Action<SandboxOptions>? sandbox = null)
    {
        var runtimeOptions = new BubblewrapContainerRuntimeOptions();
        runtime?.Invoke(runtimeOptions);
        // Bound from configuration (AgentFactory:Sandbox), then adjusted by the caller.
        OptionsBuilder<SandboxOptions> sandboxOptions = services.AddOptions<SandboxOptions>().BindConfiguration(SandboxSection);
        if (sandbox is not null)
        {
            sandboxOptions.Configure(sandbox);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerRuntime>(sp => OperatingSystem.IsLinux()
            ? new BubblewrapContainerRuntime(runtimeOptions, sp.GetService<Microsoft.Extensions.Logging.ILogger<BubblewrapContainerRuntime>>(),
                sp.GetRequiredService<TimeProvider>())
            : throw new PlatformNotSupportedException("The local container runtime needs Linux (bubblewrap and cgroups); on Azure use Container Instances."));

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SandboxOptions>>().Value);
        services.TryAddSingleton(sp => new SandboxLogStore(storage.CreateBlobServiceClient(), sp.GetRequiredService<SandboxOptions>()));
        services.TryAddSingleton<SandboxEndpointProcess>();
        // The host process, unless the container provider registered another place for the test endpoint.
        services.TryAddSingleton<ISandboxEndpoint>(sp => sp.GetRequiredService<SandboxEndpointProcess>());
        services.TryAddSingleton<SandboxService>();
        return services;
    }
}
