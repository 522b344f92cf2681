using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Storage;
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
        services.AddOptions<ProgressOptions>().Bind(configuration.GetSection(ProgressOptions.Section))
            .Validate(o => o.Problem() is null, "AgentFactory:Progress is invalid (Provider Local or WebPubSub; WebPubSub needs "
                + "WebPubSub:ConnectionString = Endpoint=https://…;AccessKey=…;Version=1.0;, a valid Hub; Local:AccessKey at least 32 characters).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeploymentEventFeed>();
        services.TryAddSingleton<LocalWebPubSubHub>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProgressOptions>>().Value);

        ProgressOptions configured = configuration.GetSection(ProgressOptions.Section).Get<ProgressOptions>() ?? new ProgressOptions();
        if (configured.Provider == ProgressProvider.WebPubSub)
        {
            services.TryAddSingleton(sp =>
            {
                ProgressOptions o = sp.GetRequiredService<ProgressOptions>();
                return new WebPubSubServiceClient(WebPubSubConnectionString.Parse(o.WebPubSub.ConnectionString), o.WebPubSub.Hub,
                    time: sp.GetRequiredService<TimeProvider>());
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
}
