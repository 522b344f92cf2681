using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;
using AgentFactory.Durable;
using AgentFactory.Functions.Apis;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration;

/// <summary>Wires agent creation: the facade, the secret store, the event log, the activities' services, and the orchestration.</summary>
public static class AgentCreationServiceCollectionExtensions
{
    /// <summary>The configuration section of the sandbox (<see cref="SandboxOptions"/>).</summary>
    public const string SandboxSection = SandboxServiceCollectionExtensions.SandboxSection;

    /// <summary>
    /// Agent creation on the account of <paramref name="connectionString"/>: the event log (<c>{tablePrefix}DeploymentEvents</c>), the
    /// secret store (<c>{tablePrefix}DeploymentSecrets</c>, key from <see cref="SecretStoreOptions.Section"/>), the sandbox service
    /// (options from <see cref="SandboxSection"/>), validation and pricing (region from <see cref="AgentCreationOptions.Section"/>), and
    /// <see cref="AgentCreationService"/>. Options are checked at start. Also needed: <c>AddFactoryStorage</c>, <c>AddProvisioning</c>,
    /// an <c>IContainerRuntime</c>, a durable backend, and <c>AddDurableTask(r =&gt; r.RegisterAgentCreation())</c>.
    /// </summary>
    public static IServiceCollection AddAgentCreation(this IServiceCollection services, string connectionString, string tablePrefix = "")
    {
        services.AddOptions<AgentCreationOptions>().BindConfiguration(AgentCreationOptions.Section)
            .Validate(o => o.Problem() is null, "AgentFactory:AgentCreation is invalid: timeouts and intervals must be positive (an interval at most its timeout), "
                + "ActivityMaxAttempts at least 1, and Region set.")
            .ValidateOnStart();
        services.AddOptions<SecretStoreOptions>().BindConfiguration(SecretStoreOptions.Section)
            .Validate(o => o.KeyBytes() is not null, "AgentFactory:Secrets:Key must be a Base64 256-bit key (e.g. `openssl rand -base64 32`).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => new DeploymentEventTable(new TableServiceClient(connectionString), tablePrefix, sp.GetService<IDeploymentEventObserver>()));
        services.TryAddSingleton<ISecretStore>(sp =>
            new TableSecretStore(new TableServiceClient(connectionString), sp.GetRequiredService<IOptions<SecretStoreOptions>>(), tablePrefix));
        services.AddSingleton<ConfigurationSecrets>();
        services.AddSingleton<AgentWorkLoader>();
        services.AddSingleton<AgentCreationService>();

        // Validation and pricing, against Container Instances (the deployment target), priced in the configured region;
        // the rest of the domain and the sandbox are registered once, by their own extensions (a host that called them
        // first keeps its choices).
        services.TryAddSingleton(sp => new ConfigurationCostEstimator(new CostEstimator(), PriceSheetCatalog.BuiltIn, RuntimeProfile.AzureContainerInstances,
            sp.GetRequiredService<IOptions<AgentCreationOptions>>().Value.Region));
        services.AddFactoryDomain(o => o.Runtime = RuntimeKind.AzureContainerInstances);
        services.AddFactorySandbox(connectionString);
        return services;
    }

    /// <summary>Registers <see cref="AgentCreationOrchestrator"/> and its activities.</summary>
    public static DurableTaskRegistry RegisterAgentCreation(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<AgentCreationOrchestrator>()
        .AddActivity<ResolveTemplateActivity>()
        .AddActivity<ValidateConfigurationActivity>()
        .AddActivity<EstimateCostActivity>()
        .AddActivity<RunSandboxActivity>()
        .AddActivity<ProvisionStepActivity>()
        .AddActivity<DeprovisionStepActivity>()
        .AddActivity<StartAgentActivity>()
        .AddActivity<CheckHealthActivity>()
        .AddActivity<SendFirstTaskActivity>()
        .AddActivity<CheckFirstTaskActivity>()
        .AddActivity<ActivateAgentActivity>()
        .AddActivity<ReleaseDeploymentActivity>()
        .AddActivity<RecordProgressActivity>();
}
