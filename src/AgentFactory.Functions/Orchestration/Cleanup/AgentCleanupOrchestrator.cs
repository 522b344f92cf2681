using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>
/// Removes what one deployment made, durably: after its creation was terminated (what the creation provisioned so
/// far) or when its agent is deleted (everything). One instance per deployment, id <see cref="InstanceIdOf"/>, so asking
/// twice is the same clean-up. Steps: <c>BeginCleanup</c> (stops the creation if it still runs, then marks the deployment
/// — the fence its late activities respect), the provisioning steps removed in reverse order (each its own
/// <c>DeprovisionStep</c>, a failure reported and the rest going on), <c>ReleaseDeployment</c> (sandbox, name, secrets),
/// and <c>FinishCleanup</c> (the row's final status and the <c>CleanedUp</c> event). See Orchestration/README.md.
/// </summary>
public sealed class AgentCleanupOrchestrator : TaskOrchestrator<CleanupInput, CleanupResult>
{
    /// <summary>The name the orchestrator is registered under.</summary>
    public const string Name = nameof(AgentCleanupOrchestrator);

    /// <summary>The clean-up instance of a deployment.</summary>
    public static string InstanceIdOf(string deploymentId) => deploymentId + "-cleanup";

    /// <inheritdoc/>
    public override async Task<CleanupResult> RunAsync(TaskOrchestrationContext context, CleanupInput input)
    {
        TaskOptions retry = TaskOptions.FromRetryPolicy(new RetryPolicy(input.ActivityMaxAttempts, input.ActivityRetryInterval, 2));
        CleanupStart start;
        for (int look = 1; ; look++)
        {
            start = await context.CallActivityAsync<CleanupStart>(CleanupActivities.BeginCleanup, new BeginCleanupInput(input, look >= input.MaxPolls), retry);
            if (!start.Wait)
            {
                break;
            }

            await context.CreateTimer(input.PollInterval, CancellationToken.None);
        }

        if (!start.Proceed)
        {
            return new CleanupResult(false, start.Message, [], []);
        }

        string stepName = input.Kind == CleanupKinds.Delete ? "delete" : "terminate";
        long sequence = start.FirstSequence;
        ProgressTicket Ticket() => new(input.TenantId, input.DeploymentId, ++sequence, start.Step, stepName, 100);
        var cleanedUp = new List<ResourceInfo>();
        var notCleanedUp = new List<string>();
        if (start.ConfigurationJson is { } configuration)
        {
            foreach (ProvisioningStepKind kind in Enumerable.Reverse(Enum.GetValues<ProvisioningStepKind>()))
            {
                try
                {
                    var work = new AgentWork(Ticket(), configuration, null, start.TemplateId!, start.TemplateVersion);
                    StepResult removed = await context.CallActivityAsync<StepResult>(AgentCreationActivities.DeprovisionStep, new ProvisionStepInput(work, kind), retry);
                    cleanedUp.AddRange(removed.Resources.Where(r => r.Change == "deleted"));
                }
                catch (TaskFailedException failure)
                {
                    notCleanedUp.Add($"{AgentWorkLoader.Camel(kind.ToString())}: {failure.FailureDetails.ErrorMessage}");
                }
            }
        }

        try
        {
            ReleaseResult released = await context.CallActivityAsync<ReleaseResult>(AgentCreationActivities.ReleaseDeployment,
                new ReleaseDeploymentInput(Ticket(), start.AgentName, DeleteSecrets: true), retry);
            cleanedUp.AddRange(released.Released);
        }
        catch (TaskFailedException failure)
        {
            notCleanedUp.Add($"release: {failure.FailureDetails.ErrorMessage}");
        }

        string what = input.Kind == CleanupKinds.Delete ? "Deleted" : "Terminated";
        string cleaned = cleanedUp.Count == 0 ? "nothing had to be cleaned up." : $"cleaned up {string.Join(", ", cleanedUp.Select(r => $"{r.Kind} {r.Name}"))}.";
        string left = notCleanedUp.Count == 0 ? "" : $" Could not clean up: {string.Join("; ", notCleanedUp)}.";
        string message = $"{what}: {cleaned}{left}";
        await context.CallActivityAsync<bool>(CleanupActivities.FinishCleanup, new CleanupFinish(Ticket(), input.Kind, message, cleanedUp, notCleanedUp), retry);
        return new CleanupResult(true, message, cleanedUp, notCleanedUp);
    }
}
