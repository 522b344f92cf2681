using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>What an activity works on: the configuration (with its secrets when it needs them), its template, its plan.</summary>
public sealed class AgentWorkLoader(ConfigurationSecrets secrets, TemplateCatalog catalog, ProvisioningPlanner planner)
{
    /// <summary>The pinned template.</summary>
    public AgentTemplate Template(AgentWork work) =>
        catalog.Get(work.TemplateId, work.TemplateVersion)
        ?? throw new InvalidOperationException($"Template '{work.TemplateId}' version {work.TemplateVersion} is not in the catalog.");

    /// <summary>The configuration without its secret values (they read <c>***</c>): enough for names, resources and pricing.</summary>
    public static AgentConfiguration Redacted(AgentWork work) =>
        JsonSerializer.Deserialize<AgentConfiguration>(work.ConfigurationJson, AgentFactoryJson.Options)
        ?? throw new InvalidOperationException("The configuration is empty.");

    /// <summary>The configuration with its secret values (kept in memory only).</summary>
    public Task<MergedConfiguration> MergeAsync(AgentWork work, SecretUse use, CancellationToken cancellationToken) =>
        secrets.MergeAsync(work.Ticket.DeploymentId, work.ConfigurationJson, work.SecretsVersion, use, cancellationToken);

    /// <summary>The provisioning plan (it holds secrets: use it, never return or store it).</summary>
    public async Task<ProvisioningPlan> PlanAsync(AgentWork work, SecretUse use, CancellationToken cancellationToken)
    {
        MergedConfiguration merged = await MergeAsync(work, use, cancellationToken).ConfigureAwait(false);
        return planner.Plan(work.Ticket.TenantId, work.Ticket.DeploymentId, merged.ToConfiguration(), Template(work));
    }

    /// <summary>A step outcome as the status shows it (camelCase words, names only).</summary>
    public static StepResult ToResult(StepOutcome outcome)
    {
        string step = Camel(outcome.Step.ToString());
        return new StepResult(step, [.. outcome.Resources.Select(r => new ResourceInfo(step, Camel(r.Kind.ToString()), r.Name, Camel(r.Change.ToString())))]);
    }

    /// <summary>An enum value's name in camelCase (the status's spelling).</summary>
    public static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
