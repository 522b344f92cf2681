using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// Everything provisioning one agent makes, decided up front by <see cref="ProvisioningPlanner"/> so that the
/// steps only carry it out: the same plan always yields the same resources.
/// </summary>
/// <remarks>
/// <see cref="Container"/> holds the secret environment values the agent needs, so a plan is built where it is
/// used and never stored or serialized; its <see cref="object.ToString"/> shows no secret (a record prints its
/// members, and <see cref="ContainerSpec.ToString"/> lists variable names only).
/// </remarks>
public sealed record ProvisioningPlan
{
    /// <summary>The agent's tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The deployment that provisions the agent.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The agent's kind (its template's category).</summary>
    public required TemplateCategory Kind { get; init; }

    /// <summary>The names of every resource.</summary>
    public required AgentResourceNames Names { get; init; }

    /// <summary>The steps in the order they apply.</summary>
    public required IReadOnlyList<ProvisioningStepKind> Steps { get; init; }

    /// <summary>True when the agent gets a table of its own (memory agents keep their entries there).</summary>
    public required bool NeedsTable { get; init; }

    /// <summary>The agent's container: the agent program, its limits and environment (with secrets).</summary>
    public required ContainerSpec Container { get; init; }

    /// <summary>The configuration with secret values redacted: the agent's config file (one of <see cref="Container"/>'s files).</summary>
    public required string RedactedConfigurationJson { get; init; }

    /// <summary>What the monitoring loop checks.</summary>
    public required HealthCheck HealthCheck { get; init; }

    /// <summary>When and where the monitoring loop alerts.</summary>
    public required AlertRule AlertRule { get; init; }
}
