namespace AgentFactory.Functions.Orchestration;

/// <summary>The states a creation is in, as the custom status spells them (stable camelCase strings).</summary>
public static class CreationStates
{
    public const string WaitingForInput = "waitingForInput";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    /// <summary>True for the states a creation ends in.</summary>
    public static bool IsFinal(string? state) => state is Completed or Failed or Cancelled or Expired;
}

/// <summary>
/// The custom status of an agent creation: what a portal shows and polls. Serialized camelCase by the engine and
/// kept small (the engine caps it at 64 KiB; see <see cref="StatusLimits"/>). It never holds a secret value.
/// </summary>
public sealed record AgentCreationStatus
{
    public required StepInfo Step { get; init; }

    /// <summary>One of <see cref="CreationStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>0–100.</summary>
    public int Progress { get; init; }

    /// <summary>The events the step accepts now (empty unless <see cref="State"/> is waitingForInput).</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    /// <summary>When waiting: the wizard expires (and is cleaned up) if nothing arrives by then.</summary>
    public DateTime? ExpiresAt { get; init; }

    /// <summary>For people: what is happening or what is expected, in a sentence.</summary>
    public string? Message { get; init; }

    public bool Automation { get; init; }

    public string? TemplateId { get; init; }

    public int? TemplateVersion { get; init; }

    public string? AgentName { get; init; }

    /// <summary>Why the last configuration (or template choice) was refused; at most <see cref="StatusLimits.MaxValidationErrors"/>.</summary>
    public IReadOnlyList<ValidationErrorInfo> ValidationErrors { get; init; } = [];

    /// <summary>How many errors there were in all (more than listed when the list was cut).</summary>
    public int ValidationErrorCount { get; init; }

    public SandboxSummary? Sandbox { get; init; }

    /// <summary>What provisioning made and still exists.</summary>
    public IReadOnlyList<ResourceInfo> Resources { get; init; } = [];

    public CostEstimateSummary? CostEstimate { get; init; }

    public HealthSummary? Health { get; init; }

    public FirstTaskSummary? FirstTask { get; init; }

    /// <summary>After cancel, expiry, failure, back past provisioning or reset: what was removed, in the order it was removed.</summary>
    public IReadOnlyList<ResourceInfo> CleanedUp { get; init; } = [];

    /// <summary>Clean-up steps that failed (their resources may still exist).</summary>
    public IReadOnlyList<string> NotCleanedUp { get; init; } = [];

    /// <summary>Why the creation failed.</summary>
    public string? Error { get; init; }

    /// <summary>The sequence of the last event in the deployment's event log (the <c>?after=</c> cursor to catch up from).</summary>
    public long LastEventSequence { get; init; }
}

/// <summary>Sizes that keep the status far below the engine's 64 KiB cap.</summary>
public static class StatusLimits
{
    /// <summary>Validation errors listed in the status (the event log has all of them).</summary>
    public const int MaxValidationErrors = 50;
}

/// <summary>The step: number (1–6) and name.</summary>
public sealed record StepInfo(int Number, string Name)
{
    public static StepInfo Of(WizardStep step) => new((int)step, WizardSteps.NameOf(step));
}

/// <summary>A validation problem: RFC 6901 pointer into the configuration, stable code, a sentence saying what to do.</summary>
public sealed record ValidationErrorInfo(string Pointer, string Code, string Message);

/// <summary>One sandbox run.</summary>
public sealed record SandboxSummary
{
    public required string TestId { get; init; }

    /// <summary><c>passed</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>What went wrong with the run as a whole (timeout, out of memory), naming the task.</summary>
    public string? Failure { get; init; }

    public double DurationMs { get; init; }

    public IReadOnlyList<SandboxTaskSummary> Tasks { get; init; } = [];

    public bool Passed => Status == "passed";
}

/// <summary>One test task of a sandbox run.</summary>
public sealed record SandboxTaskSummary(string TaskId, bool Passed, bool Skipped, string? Failure);

/// <summary>A resource a provisioning step touched: kind and change are camelCase words (queue, created, …).</summary>
public sealed record ResourceInfo(string Step, string Kind, string Name, string Change);

/// <summary>The review step's estimate: monthly total, per-line breakdown, one-off sandbox cost, assumptions.</summary>
public sealed record CostEstimateSummary
{
    /// <summary>The monthly total rounded to cents.</summary>
    public required decimal MonthlyUsd { get; init; }

    /// <summary>The unrounded monthly total.</summary>
    public required decimal MonthlyUsdExact { get; init; }

    public required string Currency { get; init; }

    public required string Region { get; init; }

    /// <summary><c>onDemand</c> or <c>alwaysOn</c>.</summary>
    public required string Mode { get; init; }

    public decimal OneOffUsd { get; init; }

    public IReadOnlyList<CostLineSummary> Lines { get; init; } = [];

    public IReadOnlyList<string> Assumptions { get; init; } = [];

    public DateOnly PriceSheetDate { get; init; }
}

/// <summary>One line of the estimate.</summary>
public sealed record CostLineSummary(string Category, string Meter, string Description, decimal AmountUsd);

/// <summary>The latest health check of the deployed agent.</summary>
public sealed record HealthSummary
{
    public required bool Healthy { get; init; }

    /// <summary>The container's state (running, failed, …).</summary>
    public required string ContainerState { get; init; }

    /// <summary>Why it is not healthy yet.</summary>
    public string? Reason { get; init; }

    /// <summary>When the agent last reported itself alive (its heartbeat row), when it does.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    public int Attempt { get; init; }
}

/// <summary>The first task sent to the deployed agent's queue, and its result.</summary>
public sealed record FirstTaskSummary
{
    public required string TaskId { get; init; }

    /// <summary>The template test task it was made from.</summary>
    public required string TemplateTaskId { get; init; }

    public bool Done { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>Why it failed: the agent's error or the assertions that did not hold.</summary>
    public string? Failure { get; init; }

    /// <summary>
    /// Why no first task was sent, when none could be judged (the task needs the test endpoint and deployed agents
    /// cannot reach it); the creation then completes on health alone, and says so.
    /// </summary>
    public string? Skipped { get; init; }

    public double DurationMs { get; init; }
}
