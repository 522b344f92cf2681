using System.Text.Json.Nodes;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Sandbox;

/// <summary>How one test task of a run ended.</summary>
public sealed record SandboxTaskResult
{
    public required string TaskId { get; init; }

    public bool Passed { get; init; }

    /// <summary>Not run: the configuration does not select the capabilities it covers.</summary>
    public bool Skipped { get; init; }

    /// <summary>Why it failed, for people: names the task and what went wrong.</summary>
    public string? Failure { get; init; }

    public IReadOnlyList<string> FailedAssertions { get; init; } = [];

    public double DurationMs { get; init; }

    public JsonNode? Result { get; init; }
}

/// <summary>A finished sandbox run: per-task outcomes, measured resources, where the log is.</summary>
public sealed record SandboxRunResult
{
    public required string DeploymentId { get; init; }

    public required string TestId { get; init; }

    public SandboxTestStatus Status { get; init; }

    public IReadOnlyList<SandboxTaskResult> Tasks { get; init; } = [];

    /// <summary>What went wrong with the run as a whole (out of memory, timeout, a crash), naming the task it hit.</summary>
    public string? Failure { get; init; }

    public double CpuSeconds { get; init; }

    public long PeakMemoryBytes { get; init; }

    /// <summary>Process start to its exit, the last result included.</summary>
    public TimeSpan Duration { get; init; }

    public required string LogsReference { get; init; }
}

/// <summary>A page of a run's log; pass <see cref="Cursor"/> as <c>after</c> for the next.</summary>
public sealed record SandboxLogPage(IReadOnlyList<SandboxLogLine> Lines, long Cursor, bool HasMore);

/// <summary>One log line of a run (stdout: task results; stderr: the agent's structured log; runtime: start/exit).</summary>
public sealed record SandboxLogLine(long Sequence, DateTimeOffset Timestamp, string Stream, string Text);
