using AgentFactory.Core.Templates;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 1: pins the chosen template (its latest version unless one is named). An activity, not orchestrator code: the
/// catalog changes when a new template version ships, and replay must see the version that was pinned.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.ResolveTemplate)]
public sealed class ResolveTemplateActivity(TemplateCatalog catalog, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<ResolveTemplateInput, TemplateChoice>(events, time)
{
    protected override ProgressTicket TicketOf(ResolveTemplateInput input) => input.Ticket;

    protected override Task<Published<TemplateChoice>> ExecuteAsync(ResolveTemplateInput input, CancellationToken cancellationToken)
    {
        AgentTemplate? template = catalog.Get(input.TemplateId, input.TemplateVersion);
        if (template is null)
        {
            string error = input.TemplateVersion is { } version && catalog.Get(input.TemplateId) is not null
                ? $"Template '{input.TemplateId}' has no version {version}; choose one of its versions or leave the version out for the latest."
                : $"No template has the id '{input.TemplateId}'; choose one of {string.Join(", ", catalog.List().Select(t => t.Id))}.";
            return Task.FromResult(new Published<TemplateChoice>(new TemplateChoice(false, input.TemplateId, input.TemplateVersion ?? 0, null, error),
                DeploymentEventTypes.TemplateRejected, error));
        }

        return Task.FromResult(new Published<TemplateChoice>(new TemplateChoice(true, template.Id, template.Version, template.Name, null),
            DeploymentEventTypes.TemplateChosen, $"Template {template.Name} ({template.Id} v{template.Version}) chosen."));
    }
}
