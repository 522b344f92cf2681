using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Sandbox;

/// <summary>Running test tasks in the sandbox and judging them.</summary>
public sealed partial class SandboxService
{
    /// <summary>
    /// Runs <paramref name="tasks"/> (the template's suite when null) in a fresh sandbox of the deployment, evaluates
    /// every assertion, and records the run. A problem the validator could not see comes back as a failure naming the task.
    /// </summary>
    public async Task<SandboxRunResult> ExecuteAsync(string deploymentId, AgentConfiguration configuration, AgentTemplate template,
        IReadOnlyList<SandboxTestTask>? tasks = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SandboxTestTask> suite = tasks ?? template.TestTasks;
        ContainerSpec spec = await SpecAsync(deploymentId, configuration, template, suite, cancellationToken).ConfigureAwait(false);
        await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
        string name = spec.Name;
        string testId = Guid.NewGuid().ToString();
        string reference = SandboxLogStore.Reference(deploymentId, testId);

        SandboxTestRecord record = await runs.AddAsync(new SandboxTestRecord
        {
            DeploymentId = deploymentId,
            TestId = testId,
            TestType = tasks is null ? "template-suite" : "custom-tasks",
            Status = SandboxTestStatus.Running,
            LogsReference = reference,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);

        long started = Stopwatch.GetTimestamp();
        await runtime.StartAsync(name, cancellationToken).ConfigureAwait(false);
        ContainerStatus exit;
        bool timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(options.RunTimeout);
            try
            {
                exit = await runtime.WaitForExitAsync(name, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                exit = await runtime.StopAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        TimeSpan duration = Stopwatch.GetElapsedTime(started);
        ContainerMetrics metrics = await runtime.GetMetricsAsync(name, cancellationToken).ConfigureAwait(false);
        // A fresh container: its whole log is this run's.
        List<ContainerLogLine> lines = await ReadLogAsync(name, 0, cancellationToken).ConfigureAwait(false);
        if (spec.Sidecars.Count > 0)
        {
            // The test endpoint outlives the run in its group; stopping the group ends it (and its billing).
            await runtime.StopAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await logs.AppendAsync(reference, lines, cancellationToken).ConfigureAwait(false);

        string? runFailure = timedOut ? $"timed out after {options.RunTimeout.TotalSeconds:0} s"
            : exit.State == ContainerState.OomKilled ? $"ran out of memory (limit {spec.MemoryBytes / (1024 * 1024)} MB)"
            : null;
        IReadOnlyList<SandboxTaskResult> results = SandboxJudge.Judge(suite, lines, runFailure, exit);
        bool passed = runFailure is null && results.All(r => r.Passed || r.Skipped);
        var result = new SandboxRunResult
        {
            DeploymentId = deploymentId,
            TestId = testId,
            Status = passed ? SandboxTestStatus.Passed : SandboxTestStatus.Failed,
            Tasks = results,
            Failure = runFailure is null ? null : $"The sandbox {runFailure}" + (results.FirstOrDefault(r => r.Failure?.Contains("did not finish", StringComparison.Ordinal) == true) is { } hit
                ? $" while running task '{hit.TaskId}'." : "."),
            CpuSeconds = metrics.CpuTime.TotalSeconds,
            PeakMemoryBytes = metrics.PeakMemoryBytes,
            Duration = duration,
            LogsReference = reference,
        };

        await runs.UpdateAsync(record with
        {
            Status = result.Status,
            CompletedAt = time.GetUtcNow(),
            MetricsJson = JsonSerializer.Serialize(new { cpuSeconds = result.CpuSeconds, peakMemoryBytes = result.PeakMemoryBytes,
                oomKills = metrics.OomKillCount, durationMs = duration.TotalMilliseconds, exitCode = exit.ExitCode }, SandboxJson.Options),
            ResultsJson = JsonSerializer.Serialize(results.Select(r => new { r.TaskId, r.Passed, r.Skipped, r.Failure, r.FailedAssertions, r.DurationMs }),
                SandboxJson.Options),
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<List<ContainerLogLine>> ReadLogAsync(string name, long after, CancellationToken cancellationToken)
    {
        var lines = new List<ContainerLogLine>();
        ContainerLogPage page;
        do
        {
            page = await runtime.GetLogsAsync(name, after, 1000, cancellationToken).ConfigureAwait(false);
            lines.AddRange(page.Lines);
            after = page.Cursor;
        }
        while (page.HasMore);
        return lines;
    }
}
