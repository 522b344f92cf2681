using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Storage;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Progress;

/// <summary>Wires live progress from <c>AgentFactory:Progress</c> (see Progress/README.md).</summary>
public static class ProgressServiceCollectionExtensions
{
    /// <summary>
    /// The event log's observer (<see cref="ProgressFanout"/>), the in-process feed of the WebSocket route, and the
    /// publisher of <see cref="ProgressOptions.Provider"/>: the local hub, or Azure Web PubSub (its client and a
    /// background sender). Settings are checked at start. Map the routes with <c>MapProgressApi</c> after <c>UseWebSockets</c>.
    /// </summary>
    public static IServiceCollection AddFactoryProgress(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProgressOptions>().Bind(configuration.GetSection(ProgressOptions.Section)).ValidateOnStart();
        // Fails with the setting and the rule (ProgressOptions.Problem), which never quote a key.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProgressOptions>, ProgressOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeploymentEventFeed>();
        services.TryAddSingleton<LocalWebPubSubHub>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProgressOptions>>().Value);

        ProgressOptions configured = configuration.GetSection(ProgressOptions.Section).Get<ProgressOptions>() ?? new ProgressOptions();
        if (configured.Provider == ProgressProvider.WebPubSub)
        {
            // Key mode, or identity mode (Endpoint / AuthType connection string). A WebPubSubServiceClientOptions service
            // (transport, retries) and a TokenCredential keyed "AgentFactory:Progress" replace the defaults when
            // registered: the tests' way to reach an https stub as a test identity.
            services.TryAddSingleton(sp =>
            {
                ProgressOptions o = sp.GetRequiredService<ProgressOptions>();
                o.WebPubSub.TryResolve(out WebPubSubConnectionString? key, out WebPubSubIdentity? identity, out _);
                WebPubSubServiceClientOptions clientOptions = sp.GetService<WebPubSubServiceClientOptions>() ?? new WebPubSubServiceClientOptions();
                TimeProvider time = sp.GetRequiredService<TimeProvider>();
                return identity is not null
                    ? new WebPubSubServiceClient(identity.Endpoint, sp.GetKeyedService<TokenCredential>(ProgressOptions.Section) ?? identity.CreateCredential(),
                        o.WebPubSub.Hub, clientOptions, time)
                    : new WebPubSubServiceClient(key!, o.WebPubSub.Hub, clientOptions, time);
            });
            services.TryAddSingleton<WebPubSubProgressPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<WebPubSubProgressPublisher>());
            services.TryAddSingleton<IProgressPublisher>(sp => sp.GetRequiredService<WebPubSubProgressPublisher>());
        }
        else
        {
            services.TryAddSingleton<IProgressPublisher, LocalHubProgressPublisher>();
        }

        services.TryAddSingleton<IDeploymentEventObserver, ProgressFanout>();
        return services;
    }

    private sealed class ProgressOptionsValidation : IValidateOptions<ProgressOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProgressOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
