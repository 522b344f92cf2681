using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;
using AgentFactory.Functions.Orchestration.Cleanup;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 2: validates a submitted configuration with its secret values put back (the length rules need them; the
/// problems never quote them), checks it is for the chosen template, and reserves the agent's name for the
/// deployment when everything holds (releasing a name it held for an earlier configuration).
/// </summary>
[Durable.DurableTask(AgentCreationActivities.ValidateConfiguration)]
public sealed class ValidateConfigurationActivity(
    ConfigurationSecrets secrets,
    ConfigurationRules rules,
    ICapacityProvider capacity,
    AgentNameTable names,
    CleanupFence fence,
    IOptions<AgentCreationOptions> options,
    DeploymentEventTable events,
    TimeProvider time) : DeploymentActivity<ValidateConfigurationInput, ValidationOutcome>(events, time)
{
    /// <summary>Problem code: the configuration names another template than the one chosen in step 1.</summary>
    public const string TemplateNotChosenCode = "template.notChosen";

    private readonly TimeProvider _time = time;

    protected override ProgressTicket TicketOf(ValidateConfigurationInput input) => input.Ticket;

    protected override async Task<Published<ValidationOutcome>> ExecuteAsync(ValidateConfigurationInput input, CancellationToken cancellationToken)
    {
        ProgressTicket ticket = input.Ticket;
        if (input.Configuration.Json is not { } redacted)
        {
            IReadOnlyList<ValidationErrorInfo> read = input.Configuration.ReadErrors is { Count: > 0 } errors ? errors
                : [new ValidationErrorInfo("", ValidationCodes.Required, "A configuration is required.")];
            return Invalid(read);
        }

        // Secrets that are missing or replaced are problems too; the rest of the document is still checked, so every
        // problem comes back at once.
        MergedConfiguration merged = await secrets.MergeAsync(ticket.DeploymentId, redacted, input.Configuration.SecretsVersion, SecretUse.Run,
            cancellationToken).ConfigureAwait(false);
        var validator = new AgentConfigurationValidator(rules, new OtherDeploymentsNames(names, ticket.DeploymentId), capacity);
        ValidationResult result = await validator.ValidateAsync(new ValidationTarget(ticket.TenantId, options.Value.Region), merged.Json ?? redacted,
            cancellationToken).ConfigureAwait(false);

        var problems = new List<ValidationErrorInfo>(result.Problems.Select(p => new ValidationErrorInfo(p.Pointer, p.Code, p.Message)));
        problems.AddRange(merged.Problems.Where(s => !problems.Any(p => p.Pointer == s.Pointer)));
        AgentConfiguration? configuration = result.Configuration;
        if (input.ChosenTemplateId is { } chosen && configuration?.TemplateId is { } id && id != chosen)
        {
            problems.Add(new("/templateId", TemplateNotChosenCode,
                $"This deployment is creating a '{chosen}' agent, not '{id}'; use templateId '{chosen}', or go back and choose another template."));
        }
        else if (input.ChosenTemplateVersion is { } version && configuration?.TemplateId == input.ChosenTemplateId && configuration?.TemplateVersion is { } v && v != version)
        {
            problems.Add(new("/templateVersion", TemplateNotChosenCode,
                $"This deployment pinned version {version} of '{input.ChosenTemplateId}'; use templateVersion {version}, or go back and choose the template again."));
        }

        if (problems.Count > 0 || configuration is null)
        {
            return Invalid(problems);
        }

        ReservationOutcome reservation = await names.ReserveAsync(ticket.TenantId, configuration.Name, ticket.DeploymentId, _time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        if (reservation == ReservationOutcome.Taken)
        {
            // Another creation took the name between the check and now.
            return Invalid([new("/name", ValidationCodes.NameTaken, $"You already have an agent named '{configuration.Name}'; choose another name.")]);
        }

        if (await fence.HasBegunAsync(ticket.TenantId, ticket.DeploymentId, cancellationToken).ConfigureAwait(false))
        {
            await names.ReleaseAsync(ticket.TenantId, configuration.Name, ticket.DeploymentId, CancellationToken.None).ConfigureAwait(false);
            throw new CleanupBegunException(ticket.DeploymentId);
        }

        if (input.ReservedName is { } earlier && earlier != configuration.Name)
        {
            await names.ReleaseAsync(ticket.TenantId, earlier, ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
        }

        string canonical = JsonSerializer.Serialize(configuration.Redacted(), AgentFactoryJson.Options);
        return new Published<ValidationOutcome>(
            new ValidationOutcome(true, [], canonical, configuration.Name, configuration.TemplateId, configuration.TemplateVersion),
            DeploymentEventTypes.ConfigurationValid, $"The configuration of '{configuration.Name}' is valid; the name is reserved.");
    }

    private static Published<ValidationOutcome> Invalid(IReadOnlyList<ValidationErrorInfo> problems) =>
        new(new ValidationOutcome(false, problems), DeploymentEventTypes.ValidationFailed,
            problems.Count == 1 ? $"The configuration has a problem: {problems[0].Message}" : $"The configuration has {problems.Count} problems.");

    /// <summary>A name this deployment already holds (an earlier valid configuration) is not taken for it.</summary>
    private sealed class OtherDeploymentsNames(AgentNameTable names, string deploymentId) : IAgentNameRegistry
    {
        public async Task<bool> IsTakenAsync(string tenantId, string name, CancellationToken cancellationToken = default) =>
            await names.GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false) is { } holder && holder.DeploymentId != deploymentId;
    }
}
