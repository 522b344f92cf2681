using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>An assertion that did not pass, as reported by <c>sandbox --assert</c>.</summary>
internal sealed record FailedAssertion(string Path, string Kind, string Detail);

/// <summary>
/// What running one task produced: one JSON line of the sandbox output and one row of the service results.
/// <c>{"taskId", "ok", "result", "error", "durationMs"}</c>, plus <c>skipped</c>/<c>reason</c> for a task whose
/// capabilities are not selected and <c>passed</c>/<c>failedAssertions</c> when assertions are evaluated.
/// </summary>
internal sealed record TaskOutcome
{
    public string? TaskId { get; init; }

    public required bool Ok { get; init; }

    public JsonElement? Result { get; init; }

    public string? Error { get; init; }

    public long DurationMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Skipped { get; init; }

    public string? Reason { get; init; }

    public bool? Passed { get; init; }

    public IReadOnlyList<FailedAssertion>? FailedAssertions { get; init; }
}
