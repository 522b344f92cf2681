using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Sandbox;

/// <summary>Running test tasks in the sandbox and judging them.</summary>
public sealed partial class SandboxService
{
    /// <summary>
    /// Runs <paramref name="tasks"/> (the template's suite when null) in the deployment's sandbox, evaluates every
    /// assertion, and records the run. A problem the validator could not see comes back as a failure naming the task.
    /// </summary>
    public async Task<SandboxRunResult> ExecuteAsync(string deploymentId, AgentTemplate template, IReadOnlyList<SandboxTestTask>? tasks = null,
        CancellationToken cancellationToken = default)
    {
        string name = ContainerName(deploymentId);
        ContainerInfo info = await runtime.GetAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ContainerNotFoundException($"Deployment '{deploymentId}' has no sandbox; start one first.");
        IReadOnlyList<SandboxTestTask> suite = tasks ?? template.TestTasks;
        string testId = Guid.NewGuid().ToString();
        string reference = SandboxLogStore.Reference(deploymentId, testId);

        string tasksJson = JsonSerializer.Serialize(suite, AgentFactoryJson.Options);
        if (template.Execution.NetworkAccess)
        {
            string url = (await endpoint.GetUrlAsync(cancellationToken).ConfigureAwait(false)).AbsoluteUri.TrimEnd('/');
            tasksJson = tasksJson.Replace(SandboxTestTask.SandboxHttpPlaceholder, url, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(info.WorkDirectory, "tasks.json"), tasksJson, cancellationToken).ConfigureAwait(false);
        SandboxTestRecord record = await runs.AddAsync(new SandboxTestRecord
        {
            DeploymentId = deploymentId,
            TestId = testId,
            TestType = tasks is null ? "template-suite" : "custom-tasks",
            Status = SandboxTestStatus.Running,
            LogsReference = reference,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);

        long logCursor = await EndOfLogAsync(name, cancellationToken).ConfigureAwait(false);
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
        List<ContainerLogLine> lines = await ReadLogAsync(name, logCursor, cancellationToken).ConfigureAwait(false);
        await logs.AppendAsync(reference, lines, cancellationToken).ConfigureAwait(false);

        string? runFailure = timedOut ? $"timed out after {options.RunTimeout.TotalSeconds:0} s"
            : exit.State == ContainerState.OomKilled ? $"ran out of memory (limit {info.MemoryBytes / (1024 * 1024)} MB)"
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

    private async Task<long> EndOfLogAsync(string name, CancellationToken cancellationToken)
    {
        long cursor = 0;
        ContainerLogPage page;
        do
        {
            page = await runtime.GetLogsAsync(name, cursor, 1000, cancellationToken).ConfigureAwait(false);
            cursor = page.Cursor;
        }
        while (page.HasMore);
        return cursor;
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
