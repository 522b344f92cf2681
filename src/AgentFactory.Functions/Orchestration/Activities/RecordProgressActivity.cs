using AgentFactory.Durable;
using AgentFactory.Functions.Storage;
using Azure;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>An event the orchestration itself records (the activities publish their own).</summary>
public sealed record ProgressEvent(long Sequence, string Type, int Step, string StepName, int Progress, string Message, string? DataJson = null);

/// <summary>The deployment row's new state; null fields stay as they are.</summary>
public sealed record DeploymentUpdate
{
    public required DeploymentStatus Status { get; init; }

    public required int Progress { get; init; }

    public required string Step { get; init; }

    public string? AgentName { get; init; }

    public string? TemplateId { get; init; }

    public int? TemplateVersion { get; init; }

    /// <summary>The redacted configuration, when it changed.</summary>
    public string? ConfigurationJson { get; init; }

    public decimal? MonthlyCostUsd { get; init; }

    public string? CostEstimateJson { get; init; }

    public string? Error { get; init; }

    public bool Finished { get; init; }
}

/// <summary>Events to append and the deployment row's new state, as of the orchestration's time <see cref="At"/>.</summary>
public sealed record ProgressRecord(ProgressTicket Ticket, DateTime At, IReadOnlyList<ProgressEvent> Events, DeploymentUpdate? Update);

/// <summary>
/// Appends the orchestration's events to the deployment's log (inserts: a retry finds them there) and brings the
/// <c>FactoryDeployments</c> row up to date. An update older than what the row holds (a late duplicate of an
/// earlier call) is skipped, so the row never goes back in time.
/// </summary>
[DurableTask(AgentCreationActivities.RecordProgress)]
public sealed class RecordProgressActivity(DeploymentEventTable events, DeploymentTable deployments) : TaskActivity<ProgressRecord, bool>
{
    private const int MaxAttempts = 5;

    public override async Task<bool> RunAsync(TaskActivityContext context, ProgressRecord input, CancellationToken cancellationToken)
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(input.At, DateTimeKind.Utc));
        foreach (ProgressEvent e in input.Events)
        {
            var appended = new DeploymentEvent
            {
                DeploymentId = input.Ticket.DeploymentId,
                Sequence = e.Sequence,
                Time = at,
                Type = e.Type,
                Step = e.Step,
                StepName = e.StepName,
                Progress = e.Progress,
                Message = e.Message,
                DataJson = e.DataJson,
            };
            await events.AppendAsync(appended, cancellationToken).ConfigureAwait(false);

            // Also when a retry found it already there: the first run may have stopped before announcing it.
            events.Announce(appended);
        }

        return input.Update is null || await UpdateAsync(input.Ticket, at, input.Update, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> UpdateAsync(ProgressTicket ticket, DateTimeOffset at, DeploymentUpdate update, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            DeploymentRecord? current = await deployments.GetAsync(ticket.TenantId, ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
            if (current is null || current.UpdatedAt > at)
            {
                return false;
            }

            DeploymentRecord updated = current with
            {
                Status = update.Status,
                Progress = update.Progress,
                Step = update.Step,
                AgentName = update.AgentName ?? current.AgentName,
                TemplateId = update.TemplateId ?? current.TemplateId,
                TemplateVersion = update.TemplateVersion ?? current.TemplateVersion,
                ConfigurationJson = update.ConfigurationJson ?? current.ConfigurationJson,
                MonthlyCostUsd = update.MonthlyCostUsd ?? current.MonthlyCostUsd,
                CostEstimateJson = update.CostEstimateJson ?? current.CostEstimateJson,
                Error = update.Error ?? current.Error,
                UpdatedAt = at,
                CompletedAt = update.Finished ? at : current.CompletedAt,
            };
            try
            {
                await deployments.UpdateAsync(current, updated, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Someone else wrote the row in between (the facade, a duplicate call): read it again.
            }
        }
    }
}
