using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration;

/// <summary>A request to create an agent.</summary>
/// <param name="TemplateId">The template; step 1 is skipped when given (else taken from the configuration's <c>templateId</c>).</param>
/// <param name="Configuration">The configuration JSON (secret values are taken out before anything is stored).</param>
/// <param name="Automation">Run straight through with every step pre-approved (needs <paramref name="Configuration"/>).</param>
/// <param name="IdempotencyKey">The same key (per tenant) always gives the same deployment: a retried request creates nothing new.</param>
/// <param name="TemplateVersion">A template version to pin; the latest when null.</param>
public sealed record CreateAgentRequest(string? TemplateId = null, JsonElement? Configuration = null, bool Automation = false, string? IdempotencyKey = null,
    int? TemplateVersion = null);

/// <summary>How a create request ended.</summary>
public enum CreateOutcome
{
    /// <summary>A new deployment was created and its orchestration scheduled.</summary>
    Created,

    /// <summary>The idempotency key named an existing deployment: nothing new was made.</summary>
    Existing,

    /// <summary>The request cannot work (see <see cref="CreateAgentResult.Problem"/>); nothing was made.</summary>
    Invalid,
}

/// <summary>The deployment a create request made or found; the orchestration's instance id is the deployment id.</summary>
public sealed record CreateAgentResult(CreateOutcome Outcome, string? DeploymentId, string? Problem = null)
{
    public string? InstanceId => DeploymentId;
}

/// <summary>How a wizard command ended.</summary>
public enum SubmitOutcome
{
    /// <summary>The event was raised; the orchestration takes it from here.</summary>
    Accepted,

    /// <summary>No such deployment for this tenant.</summary>
    NotFound,

    /// <summary>The deployment is not at a step that takes this command (see <see cref="SubmitResult.Reason"/>).</summary>
    Conflict,

    /// <summary>The command or its payload is malformed (see <see cref="SubmitResult.Reason"/>).</summary>
    Invalid,
}

/// <summary>The answer to a wizard command.</summary>
public sealed record SubmitResult(SubmitOutcome Outcome, string? Reason = null, string? EventName = null, int? Step = null)
{
    public static SubmitResult NotFound { get; } = new(SubmitOutcome.NotFound, "No such deployment.");
}

/// <summary>A deployment as a client sees it: its record (configuration redacted) and its live status.</summary>
public sealed record DeploymentView
{
    public required string DeploymentId { get; init; }

    public required string InstanceId { get; init; }

    public required DeploymentStatus Status { get; init; }

    public string? AgentName { get; init; }

    public string? TemplateId { get; init; }

    public int TemplateVersion { get; init; }

    public int Progress { get; init; }

    public string? Step { get; init; }

    public decimal? MonthlyCostUsd { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The orchestration's runtime status (Pending, Running, Completed, Failed, Terminated…), null when it is gone (purged).</summary>
    public OrchestrationRuntimeStatus? RuntimeStatus { get; init; }

    /// <summary>The live custom status: step, state, waiting for, errors, sandbox, resources, estimate, clean-up.</summary>
    public AgentCreationStatus? Creation { get; init; }

    /// <summary>The clean-up after a terminate or a delete (what it removed), null when there was none.</summary>
    public Cleanup.CleanupRecord? Cleanup { get; init; }

    /// <summary>The redacted configuration.</summary>
    public string? ConfigurationJson { get; init; }
}
