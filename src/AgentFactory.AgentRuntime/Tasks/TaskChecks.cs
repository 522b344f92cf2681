using AgentFactory.Core.Configuration;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>The sandbox's rules around a task: which tasks run, and whether a result meets the task's assertions.</summary>
internal static class TaskChecks
{
    /// <summary>
    /// Why the task is skipped, or null to run it: a task whose covered capabilities are not all selected in the
    /// configuration proves something the agent does not have (docs/DOMAIN.md).
    /// </summary>
    public static string? SkipReason(AgentTask task, AgentConfiguration configuration)
    {
        var selected = configuration.Capabilities.Selected ?? [];
        var missing = task.Covers.Where(capability => !selected.Contains(capability, StringComparer.Ordinal)).ToList();
        return missing.Count == 0 ? null : $"capabilities not selected: {string.Join(", ", missing)}";
    }

    /// <summary>The outcome with <c>passed</c> and the failed assertions (a failed task fails every assertion).</summary>
    public static TaskOutcome Assert(AgentTask task, TaskOutcome outcome)
    {
        if (!outcome.Ok || outcome.Result is not { } result)
        {
            return outcome with { Passed = false, FailedAssertions = [new FailedAssertion("$", "ok", $"The task failed: {outcome.Error}")] };
        }

        var failed = task.Expect.Select(assertion => (assertion, check: assertion.Evaluate(result)))
            .Where(pair => !pair.check.Passed)
            .Select(pair => new FailedAssertion(pair.assertion.Path, pair.assertion.Kind.ToString(), pair.check.Detail))
            .ToList();
        return outcome with { Passed = failed.Count == 0, FailedAssertions = failed };
    }
}
