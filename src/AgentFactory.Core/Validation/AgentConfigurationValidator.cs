using System.Text.Json;
using AgentFactory.Core.Configuration;
using RuleText = AgentFactory.Core.Validation.Rules.Text;

namespace AgentFactory.Core.Validation;

/// <summary>
/// Full validation of a configuration for a tenant and region: the pure <see cref="ConfigurationRules"/>, then
/// name uniqueness and capacity through their seams. Asynchronous only because of those seams. Never throws on
/// any input; a failing seam (storage down) does propagate, since that is not the user's mistake to report.
/// </summary>
public sealed class AgentConfigurationValidator
{
    private readonly IAgentNameRegistry names;
    private readonly ICapacityProvider capacity;

    /// <summary>Creates the validator.</summary>
    public AgentConfigurationValidator(ConfigurationRules rules, IAgentNameRegistry names, ICapacityProvider capacity)
    {
        Rules = rules;
        this.names = names;
        this.capacity = capacity;
    }

    /// <summary>The synchronous rules (for live validation).</summary>
    public ConfigurationRules Rules { get; }

    /// <summary>Validates a typed configuration.</summary>
    public Task<ValidationResult> ValidateAsync(ValidationTarget target, AgentConfiguration? configuration, CancellationToken cancellationToken = default) =>
        CompleteAsync(target, Rules.Validate(configuration), cancellationToken);

    /// <summary>Validates raw JSON (a request body).</summary>
    public Task<ValidationResult> ValidateAsync(ValidationTarget target, JsonElement json, CancellationToken cancellationToken = default) =>
        CompleteAsync(target, Rules.Validate(json), cancellationToken);

    /// <summary>Validates JSON text.</summary>
    public Task<ValidationResult> ValidateAsync(ValidationTarget target, string? json, CancellationToken cancellationToken = default) =>
        CompleteAsync(target, Rules.Validate(json), cancellationToken);

    private async Task<ValidationResult> CompleteAsync(ValidationTarget target, ValidationResult result, CancellationToken cancellationToken)
    {
        if (result.Configuration is not { } configuration)
        {
            return result;
        }

        var problems = new ProblemList();
        problems.AddRange(result.Problems);
        if (!problems.AnyWithin("/name") && configuration.Name is not null &&
            await names.IsTakenAsync(target.TenantId, configuration.Name, cancellationToken).ConfigureAwait(false))
        {
            problems.Add("/name", ValidationCodes.NameTaken, $"You already have an agent named '{configuration.Name}'; choose another name.");
        }

        if (!problems.AnyWithin("/resources") && configuration.Resources is { } resources)
        {
            await CheckCapacityAsync(target, resources, problems, cancellationToken).ConfigureAwait(false);
        }

        return result with { Problems = problems.Items };
    }

    private async Task CheckCapacityAsync(ValidationTarget target, ResourceSelection resources, ProblemList problems, CancellationToken cancellationToken)
    {
        var available = await capacity.GetAvailableAsync(target.TenantId, target.Region, cancellationToken).ConfigureAwait(false);
        if (resources.CpuCores > available.CpuCores)
        {
            problems.Add("/resources/cpuCores", ValidationCodes.CapacityCpuInsufficient,
                $"Only {RuleText.Number(available.CpuCores)} cores are free for you in {target.Region}; choose fewer cores, another region, or remove an agent.");
        }

        var provisioned = Rules.Runtime.ProvisionedMemoryMb(resources.MemoryMb);
        if (provisioned > available.MemoryMb)
        {
            problems.Add("/resources/memoryMb", ValidationCodes.CapacityMemoryInsufficient,
                $"The agent needs {RuleText.Number(provisioned)} MB but only {RuleText.Number(available.MemoryMb)} MB are free for you in {target.Region}; choose less memory, another region, or remove an agent.");
        }
    }
}
