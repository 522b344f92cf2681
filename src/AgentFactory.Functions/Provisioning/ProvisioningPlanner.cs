using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// Turns a validated configuration into a <see cref="ProvisioningPlan"/>: resource names, the container spec and
/// the monitoring rule. Pure: no I/O, so the same inputs always give the same plan (and so the same resources).
/// </summary>
public sealed class ProvisioningPlanner(IOptions<ProvisioningOptions> options, ProvisioningStorage storage)
{
    private static readonly ProvisioningStepKind[] Order =
        [ProvisioningStepKind.Queue, ProvisioningStepKind.Storage, ProvisioningStepKind.Container, ProvisioningStepKind.Monitoring];

    /// <summary>
    /// The plan for agent <paramref name="configuration"/> of <paramref name="tenantId"/>, provisioned by
    /// <paramref name="deploymentId"/>, from <paramref name="template"/> (the version the configuration pins).
    /// </summary>
    /// <exception cref="ArgumentException">The template is not the configuration's, or the configuration sets a platform variable.</exception>
    public ProvisioningPlan Plan(string tenantId, string deploymentId, AgentConfiguration configuration, AgentTemplate template)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        if (configuration.TemplateId != template.Id || configuration.TemplateVersion != template.Version || configuration.Settings?.Category != template.Category)
        {
            throw new ArgumentException(
                $"The configuration pins template {configuration.TemplateId} v{configuration.TemplateVersion} ({configuration.Settings?.Category} settings), " +
                $"not {template.Id} v{template.Version} ({template.Category}): plan with the template the configuration was validated against.",
                nameof(template));
        }

        ProvisioningOptions settings = options.Value;
        if (settings.Problem() is { } problem)
        {
            throw new InvalidOperationException("Provisioning options: " + problem);
        }

        AgentResourceNames names = AgentResourceNames.For(tenantId, configuration.Name);
        bool needsTable = template.Category == TemplateCategory.Memory;
        string redacted = JsonSerializer.Serialize(configuration.Redacted(), AgentFactoryJson.Options);
        return new ProvisioningPlan
        {
            TenantId = tenantId,
            DeploymentId = deploymentId,
            Kind = template.Category,
            Names = names,
            Steps = Order,
            NeedsTable = needsTable,
            Container = ContainerFor(settings, names, deploymentId, configuration, template, needsTable, redacted),
            RedactedConfigurationJson = redacted,
            HealthCheck = new HealthCheck(tenantId, configuration.Name, deploymentId, names.Container,
                IdleExitIsHealthy: configuration.Execution?.Mode == ExecutionMode.OnDemand,
                // Allocation as Container Instances bills it (the estimator's figures), for usage metering.
                CpuCores: configuration.Resources.CpuCores,
                MemoryGb: RuntimeProfile.AzureContainerInstances.ProvisionedMemoryMb(configuration.Resources.MemoryMb) / 1024m),
            AlertRule = AlertRuleFor(settings, configuration.Settings),
        };
    }

    private ContainerSpec ContainerFor(ProvisioningOptions settings, AgentResourceNames names, string deploymentId,
        AgentConfiguration configuration, AgentTemplate template, bool needsTable, string redactedConfiguration)
    {
        List<ContainerEnvironmentVariable> platform =
        [
            new("AGENT_TENANT_ID", names.TenantId),
            new("AGENT_NAME", configuration.Name),
            new("AGENT_DEPLOYMENT_ID", deploymentId),
            new("AGENT_KIND", JsonNamingPolicy.CamelCase.ConvertName(template.Category.ToString())),
            new("AGENT_CONFIG", ProvisioningOptions.ConfigurationPath),
            new("AGENT_TASK_QUEUE", names.TaskQueue),
            new("AGENT_POISON_QUEUE", names.PoisonQueue),
            new("AGENT_BLOB_CONTAINER", names.BlobContainer),
            new("AGENT_QUEUE_ENDPOINT", storage.Queues.Uri.AbsoluteUri),
            new("AGENT_BLOB_ENDPOINT", storage.Blobs.Uri.AbsoluteUri),
        ];
        if (needsTable)
        {
            platform.Add(new("AGENT_TABLE", names.Table));
            platform.Add(new("AGENT_TABLE_ENDPOINT", storage.Tables.Uri.AbsoluteUri));
        }

        // The names the agent program reads (docs/AGENT-RUNTIME.md "Environment").
        platform.Add(new("AGENT_QUEUE", names.TaskQueue));
        platform.Add(new("AGENT_STATE_DIR", ContainerSpec.WorkPath));
        if (needsTable)
        {
            platform.Add(new("AGENT_MEMORY_TABLE", names.Table));
        }

        bool reachesStorage = settings.AgentsReachStorage;
        if (settings.AgentStorageConnection is { Length: > 0 } connection)
        {
            platform.Add(ContainerEnvironmentVariable.Secret("AGENT_STORAGE", connection));
        }
        else if (settings.AgentIdentityClientId is { Length: > 0 } clientId)
        {
            // Identity-based storage has no key to hand over: the agent signs in as the container group's identity.
            platform.Add(new("AGENT_STORAGE_ACCOUNT", storage.Queues.AccountName));
            platform.Add(new("AGENT_STORAGE_QUEUE_URI", storage.Queues.Uri.AbsoluteUri));
            platform.Add(new("AGENT_STORAGE_TABLE_URI", storage.Tables.Uri.AbsoluteUri));
            platform.Add(new("AGENT_STORAGE_CLIENT_ID", clientId));
        }

        var reserved = platform.Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<EnvironmentVariable> own = configuration.Advanced?.Environment ?? [];
        if (own.FirstOrDefault(v => reserved.Contains(v.Name)) is { } clash)
        {
            // Validation refuses the AGENT_ prefix; a plan is still never built that would hide a platform value.
            throw new ArgumentException($"Environment variable '{clash.Name}' is set by the platform; the configuration may not set it.", nameof(configuration));
        }

        return new ContainerSpec
        {
            Name = names.Container,
            Image = settings.AgentImage,
            Command = [.. settings.AgentCommand],
            // Secrets travel only here, marked so the runtime never shows or stores them.
            Environment = [.. platform, .. own.Select(v => new ContainerEnvironmentVariable(v.Name, v.Value, v.Secret))],
            CpuCores = configuration.Resources.CpuCores,
            MemoryBytes = configuration.Resources.MemoryMb * 1024L * 1024,
            // A deployed agent serves its queue, so it must reach storage: network isolation is the sandbox's, not the service's.
            NetworkAccess = template.Execution.NetworkAccess || reachesStorage,
            ReadOnlyMounts = [.. settings.AgentMounts],
            // In the spec, not written next to the container: every runtime gets it the same way (Container Instances has no local directory).
            Files = new Dictionary<string, string>(StringComparer.Ordinal) { [ProvisioningOptions.ConfigurationPath] = redactedConfiguration },
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tenant"] = names.TenantId,
                ["agent"] = configuration.Name,
                ["deployment"] = deploymentId,
                ["template"] = template.Id + "-v" + template.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>
    /// A monitoring agent already says how many failures make an alert and may name a webhook; its alerts about
    /// itself go there too. Every other agent (and a monitoring agent alerting by log or e-mail, which the factory
    /// cannot send) uses the factory's alert queue and default threshold.
    /// </summary>
    private static AlertRule AlertRuleFor(ProvisioningOptions settings, TemplateSettings? agentSettings) => agentSettings switch
    {
        MonitoringSettings { AlertChannel: { Kind: AlertChannelKind.Webhook, Target: { Length: > 0 } url } } monitoring =>
            new AlertRule(monitoring.Thresholds.ConsecutiveFailures, AlertDestinationKind.Webhook, url),
        MonitoringSettings monitoring =>
            new AlertRule(monitoring.Thresholds.ConsecutiveFailures, AlertDestinationKind.Queue, settings.AlertQueueName),
        _ => new AlertRule(settings.DefaultFailureThreshold, AlertDestinationKind.Queue, settings.AlertQueueName),
    };
}
