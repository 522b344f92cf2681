using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Orchestration;

/// <summary>How a step ended (camelCase in results: <c>succeeded</c>, <c>failed</c>, <c>timedOut</c>, <c>skipped</c>).</summary>
internal enum StepStatus
{
    Succeeded,
    Failed,
    TimedOut,
    Skipped,
}

/// <summary>
/// What one step did: its status, attempts (1 + retries used), output, last error, and when it started and how
/// long it took relative to the workflow's start (so a report shows what overlapped).
/// </summary>
internal sealed record StepReport(StepStatus Status, int Attempts, JsonNode? Output, string? Error, long? StartedAtMs, long? DurationMs);
