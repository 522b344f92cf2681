using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Step 3: starts the deployment's sandbox with the configuration (secrets included, in memory), runs the template's
/// test suite, and removes the sandbox again whatever happened. The run is recorded in <c>SandboxTests</c> by the
/// sandbox service; this returns its summary. A re-run of the same call returns the recorded summary instead of
/// running the suite again.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.RunSandbox)]
public sealed class RunSandboxActivity(AgentWorkLoader loader, SandboxService sandbox, ILogger<RunSandboxActivity> logger, DeploymentEventTable events,
    TimeProvider time) : DeploymentActivity<AgentWork, SandboxSummary>(events, time)
{
    // A failure text names the task and what went wrong; keep each short so the status stays small.
    private const int MaxFailureChars = 600;

    protected override ProgressTicket TicketOf(AgentWork input) => input.Ticket;

    protected override async Task<Published<SandboxSummary>> ExecuteAsync(AgentWork input, CancellationToken cancellationToken)
    {
        string deploymentId = input.Ticket.DeploymentId;
        MergedConfiguration merged = await loader.MergeAsync(input, SecretUse.Run, cancellationToken).ConfigureAwait(false);
        if (merged.Problems.Count > 0)
        {
            string why = string.Join(" ", merged.Problems.Select(p => p.Message));
            return Failed(new SandboxSummary { TestId = "", Status = "failed", Failure = "The sandbox did not run: " + why });
        }

        AgentConfiguration configuration = merged.ToConfiguration();
        AgentTemplate template = loader.Template(input);
        SandboxRunResult run;
        try
        {
            run = await sandbox.ExecuteAsync(deploymentId, configuration, template, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await StopAsync(deploymentId).ConfigureAwait(false);
        }

        var summary = new SandboxSummary
        {
            TestId = run.TestId,
            Status = run.Status == SandboxTestStatus.Passed ? "passed" : "failed",
            Failure = Cut(run.Failure),
            DurationMs = Math.Round(run.Duration.TotalMilliseconds),
            Tasks = [.. run.Tasks.Select(t => new SandboxTaskSummary(t.TaskId, t.Passed, t.Skipped, Cut(t.Failure)))],
        };
        if (!summary.Passed)
        {
            return Failed(summary);
        }

        int skipped = summary.Tasks.Count(t => t.Skipped);
        return new Published<SandboxSummary>(summary, DeploymentEventTypes.SandboxResult,
            $"Sandbox tests passed: {summary.Tasks.Count - skipped} task(s) passed, {skipped} skipped, in {summary.DurationMs / 1000:0.0} s.");
    }

    private static Published<SandboxSummary> Failed(SandboxSummary summary)
    {
        string first = summary.Failure ?? summary.Tasks.FirstOrDefault(t => !t.Passed && !t.Skipped)?.Failure ?? "a task failed";
        return new Published<SandboxSummary>(summary, DeploymentEventTypes.SandboxResult, "Sandbox tests failed: " + first);
    }

    private async Task StopAsync(string deploymentId)
    {
        try
        {
            // Not the caller's token: a cancelled run must still leave no sandbox behind.
            await sandbox.StopAsync(deploymentId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Compensation stops it again; the run's own outcome matters more than this error.
            logger.SandboxStopFailed(deploymentId, ex);
        }
    }

    private static string? Cut(string? text) => text is { Length: > MaxFailureChars } ? text[..MaxFailureChars] + "…" : text;
}
