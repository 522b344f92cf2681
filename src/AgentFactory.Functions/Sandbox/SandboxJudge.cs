using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Sandbox;

/// <summary>Turns the agent program's result lines (stdout, one JSON object per task) into judged task results.</summary>
internal static class SandboxJudge
{
    public static IReadOnlyList<SandboxTaskResult> Judge(IReadOnlyList<SandboxTestTask> suite, IEnumerable<ContainerLogLine> lines, string? runFailure,
        ContainerStatus exit)
    {
        var outcomes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (ContainerLogLine line in lines.Where(l => l.Stream == ContainerLogStream.StandardOutput))
        {
            try
            {
                using JsonDocument parsed = JsonDocument.Parse(line.Text);
                // Log records name the task too, and Container Instances keeps them in the same stream as the results:
                // a log record always has a category, a result never.
                if (parsed.RootElement.ValueKind == JsonValueKind.Object && parsed.RootElement.TryGetProperty("taskId", out JsonElement id)
                    && id.ValueKind == JsonValueKind.String && !parsed.RootElement.TryGetProperty("category", out _))
                {
                    outcomes[id.GetString()!] = parsed.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // Not a result line (an agent may print): the task's own line decides.
            }
        }

        var results = new List<SandboxTaskResult>(suite.Count);
        bool blamed = false;
        foreach (SandboxTestTask task in suite)
        {
            if (!outcomes.TryGetValue(task.Id, out JsonElement outcome))
            {
                // The first task without a result is the one the run died in; later ones never started.
                string why = runFailure ?? $"exited with code {exit.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";
                results.Add(new SandboxTaskResult
                {
                    TaskId = task.Id,
                    Failure = blamed ? $"Task '{task.Id}' was not reached." : $"Task '{task.Id}' did not finish: the sandbox {why} while running it.",
                });
                blamed = true;
                continue;
            }

            results.Add(JudgeOne(task, outcome));
        }

        return results;
    }

    private static SandboxTaskResult JudgeOne(SandboxTestTask task, JsonElement outcome)
    {
        double duration = outcome.TryGetProperty("durationMs", out JsonElement d) && d.TryGetDouble(out double ms) ? ms : 0;
        if (outcome.TryGetProperty("skipped", out JsonElement skipped) && skipped.ValueKind == JsonValueKind.True)
        {
            string reason = outcome.TryGetProperty("reason", out JsonElement r) ? r.GetString() ?? "" : "";
            return new SandboxTaskResult { TaskId = task.Id, Skipped = true, Failure = null, FailedAssertions = [reason], DurationMs = duration };
        }

        if (!outcome.TryGetProperty("ok", out JsonElement ok) || ok.ValueKind != JsonValueKind.True || !outcome.TryGetProperty("result", out JsonElement result))
        {
            string error = outcome.TryGetProperty("error", out JsonElement e) ? e.GetString() ?? "unknown error" : "no result";
            return new SandboxTaskResult { TaskId = task.Id, Failure = $"Task '{task.Id}' failed: {error}", DurationMs = duration };
        }

        var failed = new List<string>();
        foreach (TaskAssertion assertion in task.Expect)
        {
            var verdict = assertion.Evaluate(result);
            if (!verdict.Passed)
            {
                failed.Add($"{assertion.Path} {assertion.Kind}: {verdict.Detail}");
            }
        }

        return new SandboxTaskResult
        {
            TaskId = task.Id,
            Passed = failed.Count == 0,
            Failure = failed.Count == 0 ? null
                : $"Task '{task.Id}' gave an unexpected result{ErrorOf(result)}: {string.Join("; ", failed)}",
            FailedAssertions = failed,
            DurationMs = duration,
            Result = JsonNode.Parse(result.GetRawText()),
        };
    }

    // A contract result may carry an error of its own (an API call's "network" or "timeout"): say it first.
    private static string ErrorOf(JsonElement result) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String
            ? $" (error: {error.GetString()})"
            : "";
}
