using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Storage;
using Azure;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>The names the clean-up's own activities are registered under.</summary>
public static class CleanupActivities
{
    public const string BeginCleanup = "BeginCleanup";
    public const string FinishCleanup = "FinishCleanup";
}

/// <summary>The first step of a clean-up; <see cref="StopWaiting"/> after the last look at a creation that would not stop.</summary>
public sealed record BeginCleanupInput(CleanupInput Cleanup, bool StopWaiting);

/// <summary>
/// Starts a clean-up. For a terminate it terminates the creation (again: idempotent, so a crash between the route's
/// scheduling and its terminate still stops it) and waits until the engine says it stopped; a creation that ended on its
/// own meanwhile cleaned up after itself (or succeeded) and is left alone. For a delete only a succeeded deployment
/// goes on. Going on means marking the deployment row (status Terminating/Deleting, <see cref="DeploymentRecord.CleanupStartedAt"/>):
/// from then on the creation's late activities undo what they make (<see cref="CleanupFence"/>) and its progress no
/// longer changes the row. Idempotent: a re-run finds its mark and answers the same.
/// </summary>
[DurableTask(CleanupActivities.BeginCleanup)]
public sealed class BeginCleanupActivity(DurableTaskClient client, DeploymentTable deployments, DeploymentEventTable events, TimeProvider time)
    : TaskActivity<BeginCleanupInput, CleanupStart>
{
    private const int MaxAttempts = 5;

    public override async Task<CleanupStart> RunAsync(TaskActivityContext context, BeginCleanupInput input, CancellationToken cancellationToken)
    {
        CleanupInput cleanup = input.Cleanup;
        for (int attempt = 1; ; attempt++)
        {
            DeploymentRecord? record = await deployments.GetAsync(cleanup.TenantId, cleanup.DeploymentId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return Skip("There is no such deployment.");
            }

            if (record.CleanupStartedAt is not null)
            {
                return Started(record);
            }

            OrchestrationMetadata? creation = await client.GetInstanceAsync(record.InstanceId ?? record.DeploymentId, getInputsAndOutputs: true, cancellationToken)
                .ConfigureAwait(false);
            if (cleanup.Kind == CleanupKinds.Terminate)
            {
                if (creation is { IsRunning: true } && !input.StopWaiting)
                {
                    await TerminateAsync(creation.InstanceId, cleanup.Reason, cancellationToken).ConfigureAwait(false);
                    return new CleanupStart { Wait = true, Message = "Waiting for the creation to stop." };
                }

                // Terminated (or still running after the last look: the fence covers what it still makes), or purged
                // after the terminate — then the row says whether the creation had ended on its own before.
                bool endedOnItsOwn = creation is null ? record.IsFinished
                    : creation.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed;
                if (endedOnItsOwn)
                {
                    return Skip($"The creation ended on its own ({record.Status}) before it was terminated; it removed what it had to itself.");
                }
            }
            else if (record.Status != DeploymentStatus.Succeeded)
            {
                return Skip($"The deployment is {record.Status}: only a deployed agent is deleted.");
            }

            AgentCreationStatus? status = creation?.ReadCustomStatusAs<AgentCreationStatus>();
            long first = Math.Max(status?.LastEventSequence ?? 0, await LastSequenceAsync(record.DeploymentId, cancellationToken).ConfigureAwait(false)) + 1;
            DateTimeOffset now = time.GetUtcNow();
            var mark = new CleanupRecord { Kind = cleanup.Kind, State = "running", Reason = cleanup.Reason, FirstSequence = first, StartedAt = now };
            DeploymentRecord marked = record with
            {
                Status = cleanup.Kind == CleanupKinds.Delete ? DeploymentStatus.Deleting : DeploymentStatus.Terminating,
                CleanupStartedAt = now,
                CleanupJson = JsonSerializer.Serialize(mark, DataConverter.DefaultOptions),
                UpdatedAt = now > record.UpdatedAt ? now : record.UpdatedAt,
            };
            try
            {
                await deployments.UpdateAsync(record, marked, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // The creation's last progress landed in between: look again.
                continue;
            }

            string message = cleanup.Kind == CleanupKinds.Delete
                ? $"Deleting agent '{record.AgentName}': removing its resources."
                : $"The creation was terminated{(cleanup.Reason is { Length: > 0 } r ? $" ({r})" : "")}: removing what it made.";
            await events.AppendAsync(new DeploymentEvent
            {
                DeploymentId = record.DeploymentId,
                Sequence = first,
                Time = now,
                Type = DeploymentEventTypes.CleanupStarted,
                Step = StepOf(record),
                StepName = cleanup.Kind,
                Progress = 100,
                Message = message,
                DataJson = JsonSerializer.Serialize(new { kind = cleanup.Kind, reason = cleanup.Reason }, DataConverter.DefaultOptions),
            }, cancellationToken).ConfigureAwait(false);
            return Started(marked);
        }
    }

    private async Task TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        try
        {
            await client.TerminateInstanceAsync(instanceId, reason, output: reason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrchestrationStateException or OrchestrationNotFoundException)
        {
            // It stopped or went meanwhile: the next look decides.
        }
    }

    private async Task<long> LastSequenceAsync(string deploymentId, CancellationToken cancellationToken)
    {
        long last = 0;
        while (true)
        {
            IReadOnlyList<DeploymentEvent> page = await events.ListAsync(deploymentId, last, 1000, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return last;
            }

            last = page[^1].Sequence;
        }
    }

    private static CleanupStart Started(DeploymentRecord record)
    {
        CleanupRecord mark = JsonSerializer.Deserialize<CleanupRecord>(record.CleanupJson!, DataConverter.DefaultOptions)!;
        // Only a configuration that can be planned can have had resources made from it (step 4 comes after validation).
        bool plannable = record.AgentName.Length > 0 && record.TemplateId.Length > 0 && record.TemplateVersion > 0 && IsConfiguration(record.ConfigurationJson);
        return new CleanupStart
        {
            Proceed = true,
            Message = "Cleaning up.",
            FirstSequence = mark.FirstSequence,
            Step = StepOf(record),
            ConfigurationJson = plannable ? record.ConfigurationJson : null,
            TemplateId = record.TemplateId,
            TemplateVersion = record.TemplateVersion,
            AgentName = record.AgentName.Length > 0 ? record.AgentName : null,
        };
    }

    private static bool IsConfiguration(string json)
    {
        try
        {
            AgentWorkLoader.Redacted(new AgentWork(new ProgressTicket("", "", 0, 0, "", 0), json, null, "", 0));
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    private static int StepOf(DeploymentRecord record) =>
        record.Step is { } name && Enum.GetValues<WizardStep>().FirstOrDefault(s => WizardSteps.NameOf(s) == name) is var step && step != default ? (int)step : 0;

    private static CleanupStart Skip(string message) => new() { Proceed = false, Message = message };
}
