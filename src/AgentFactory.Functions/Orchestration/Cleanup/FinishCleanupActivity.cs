using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Storage;
using Azure;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>
/// The end of a clean-up: appends the <c>CleanedUp</c> event (an insert: a re-run finds it) and sets the deployment
/// row to Terminated or Deleted with the clean-up's record — what was removed and what could not be.
/// </summary>
[DurableTask(CleanupActivities.FinishCleanup)]
public sealed class FinishCleanupActivity(DeploymentTable deployments, DeploymentEventTable events, TimeProvider time) : TaskActivity<CleanupFinish, bool>
{
    private const int MaxAttempts = 5;

    public override async Task<bool> RunAsync(TaskActivityContext context, CleanupFinish input, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        await events.AppendAsync(new DeploymentEvent
        {
            DeploymentId = input.Ticket.DeploymentId,
            Sequence = input.Ticket.Sequence,
            Time = now,
            Type = DeploymentEventTypes.CleanedUp,
            Step = input.Ticket.Step,
            StepName = input.Ticket.StepName,
            Progress = 100,
            Message = input.Message,
            DataJson = JsonSerializer.Serialize(new { cleanedUp = input.CleanedUp, notCleanedUp = input.NotCleanedUp }, DataConverter.DefaultOptions),
        }, cancellationToken).ConfigureAwait(false);

        for (int attempt = 1; ; attempt++)
        {
            DeploymentRecord? record = await deployments.GetAsync(input.Ticket.TenantId, input.Ticket.DeploymentId, cancellationToken).ConfigureAwait(false);
            if (record?.CleanupJson is null)
            {
                return false;
            }

            CleanupRecord mark = JsonSerializer.Deserialize<CleanupRecord>(record.CleanupJson, DataConverter.DefaultOptions)!;
            if (mark.State == "completed")
            {
                return true;
            }

            CleanupRecord done = mark with { State = "completed", Message = input.Message, CompletedAt = now, CleanedUp = input.CleanedUp, NotCleanedUp = input.NotCleanedUp };
            try
            {
                await deployments.UpdateAsync(record, record with
                {
                    Status = input.Kind == CleanupKinds.Delete ? DeploymentStatus.Deleted : DeploymentStatus.Terminated,
                    Progress = 100,
                    CleanupJson = JsonSerializer.Serialize(done, DataConverter.DefaultOptions),
                    UpdatedAt = now > record.UpdatedAt ? now : record.UpdatedAt,
                    // A creation that was terminated ends now; a deleted agent keeps the time it was deployed (for /stats).
                    CompletedAt = input.Kind == CleanupKinds.Delete ? record.CompletedAt : now,
                }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
            }
        }
    }
}
