using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Orchestration;

/// <summary>The limits a workflow runs under (settings, possibly overridden by the task).</summary>
internal sealed record WorkflowLimits(int MaxParallelSteps, TimeSpan StepTimeout, int MaxRetries, TimeSpan RetryDelay);

/// <summary>The outcome of a run: status, start order, per-step reports and the parallelism actually observed.</summary>
internal sealed record WorkflowReport(string Status, IReadOnlyList<string> Order, IReadOnlyDictionary<string, StepReport> Steps, int MaxObservedParallelism, string? Error);

/// <summary>
/// Runs a checked <see cref="Workflow"/>: a step starts as soon as all its dependencies succeeded, up to
/// <see cref="WorkflowLimits.MaxParallelSteps"/> at once (ready steps in definition order). Each attempt has the step
/// timeout; a failed or timed-out attempt is retried after an exponential backoff until the retries are used up.
/// After a step fails for good no new step starts; running ones finish, and the rest are <c>skipped</c>.
/// </summary>
internal sealed class WorkflowRunner(TimeProvider time)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private int active;
    private int maxActive;

    public async Task<WorkflowReport> RunAsync(Workflow workflow, WorkflowLimits limits, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var steps = workflow.Steps.ToDictionary(step => step.Id, StringComparer.Ordinal);
        var waitingOn = workflow.Steps.ToDictionary(step => step.Id, step => step.DependsOn.Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        var dependents = workflow.Dependents();
        var ready = workflow.Steps.Where(step => waitingOn[step.Id] == 0).Select(step => step.Id).ToList();
        var running = new List<Task<(string Id, StepReport Report)>>();
        var reports = new Dictionary<string, StepReport>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var order = new List<string>();
        string? failure = null;

        while (true)
        {
            while (failure is null && ready.Count > 0 && running.Count < limits.MaxParallelSteps)
            {
                var step = steps[ready[0]];
                ready.RemoveAt(0);
                order.Add(step.Id);
                var inputs = step.DependsOn.Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => outputs[id], StringComparer.Ordinal);
                running.Add(RunStepAsync(step, inputs, limits, (long)time.GetElapsedTime(start).TotalMilliseconds, cancellationToken));
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running);
            running.Remove(done);
            var (id, report) = await done;
            reports[id] = report;
            if (report.Status != StepStatus.Succeeded)
            {
                failure ??= $"step '{id}' {(report.Status == StepStatus.TimedOut ? "timed out" : "failed")} after {report.Attempts} attempt(s): {report.Error}";
                continue;
            }

            outputs[id] = report.Output;
            ready.AddRange(dependents[id].Where(dependent => --waitingOn[dependent] == 0));
            ready.Sort((a, b) => IndexOf(workflow, a).CompareTo(IndexOf(workflow, b)));
        }

        foreach (var step in workflow.Steps.Where(step => !reports.ContainsKey(step.Id)))
        {
            reports[step.Id] = new StepReport(StepStatus.Skipped, 0, null, null, null, null);
        }

        var ordered = workflow.Steps.ToDictionary(step => step.Id, step => reports[step.Id], StringComparer.Ordinal);
        return new WorkflowReport(failure is null ? "succeeded" : "failed", order, ordered, maxActive, failure);
    }

    private static int IndexOf(Workflow workflow, string id)
    {
        for (var i = 0; i < workflow.Steps.Count; i++)
        {
            if (workflow.Steps[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<(string, StepReport)> RunStepAsync(WorkflowStep step, IReadOnlyDictionary<string, JsonNode?> inputs, WorkflowLimits limits, long startedAtMs, CancellationToken cancellationToken)
    {
        // A step counts as running from its dispatch (this synchronous part runs in the scheduler's loop) to its end,
        // retries and backoff included: parallelism is what the scheduler allowed, not what a busy thread pool managed.
        Enter();
        try
        {
            // Leave the scheduler's loop at once, so a synchronous action never holds up the start of its siblings.
            await Task.Yield();
            return (step.Id, await AttemptAsync(step, inputs, limits, startedAtMs, cancellationToken));
        }
        finally
        {
            Interlocked.Decrement(ref active);
        }
    }

    private async Task<StepReport> AttemptAsync(WorkflowStep step, IReadOnlyDictionary<string, JsonNode?> inputs, WorkflowLimits limits, long startedAtMs, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            StepStatus status;
            string error;
            using var timeout = new CancellationTokenSource(limits.StepTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var output = await StepActions.RunAsync(step, inputs, attempt, time, linked.Token);
                return new StepReport(StepStatus.Succeeded, attempt, output, null, startedAtMs, Elapsed(started));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                (status, error) = (StepStatus.TimedOut, $"no result within the step timeout of {limits.StepTimeout.TotalSeconds:0.###} s");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                (status, error) = (StepStatus.Failed, e.Message);
            }

            if (attempt > limits.MaxRetries)
            {
                return new StepReport(status, attempt, null, error, startedAtMs, Elapsed(started));
            }

            var backoff = limits.RetryDelay * Math.Pow(2, attempt - 1);
            await Task.Delay(backoff < MaxBackoff ? backoff : MaxBackoff, time, cancellationToken);
        }
    }

    private void Enter()
    {
        var now = Interlocked.Increment(ref active);
        for (var seen = Volatile.Read(ref maxActive); now > seen; seen = Volatile.Read(ref maxActive))
        {
            if (Interlocked.CompareExchange(ref maxActive, now, seen) == seen)
            {
                break;
            }
        }
    }

    private long Elapsed(long since) => (long)time.GetElapsedTime(since).TotalMilliseconds;
}
