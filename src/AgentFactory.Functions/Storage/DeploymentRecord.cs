using Azure;

namespace AgentFactory.Functions.Storage;

/// <summary>Where a factory deployment (one agent creation) stands.</summary>
public enum DeploymentStatus
{
    Configuring,
    Validating,
    Testing,
    Provisioning,
    AwaitingConfirmation,
    Deploying,
    Succeeded,
    Failed,
    Cancelled,
    Expired,

    /// <summary>Its creation was terminated (management API); the clean-up is removing what it made.</summary>
    Terminating,

    /// <summary>Its creation was terminated and everything it made is removed.</summary>
    Terminated,

    /// <summary>A deployed agent being deleted: its resources are being removed.</summary>
    Deleting,

    /// <summary>A deployed agent that was deleted: nothing of it remains but this record, its events and its usage.</summary>
    Deleted,
}

/// <summary>
/// One agent creation (the brief's <c>factory_deployments</c> row). <see cref="ConfigurationJson"/> is the
/// configuration with secret values redacted: secrets never reach this table.
/// </summary>
public sealed record DeploymentRecord
{
    public required string TenantId { get; init; }

    public required string DeploymentId { get; init; }

    public required string AgentName { get; init; }

    public required string TemplateId { get; init; }

    public int TemplateVersion { get; init; }

    public DeploymentStatus Status { get; init; }

    /// <summary>0–100.</summary>
    public int Progress { get; init; }

    /// <summary>The wizard step or activity the deployment is at, for people.</summary>
    public string? Step { get; init; }

    public string ConfigurationJson { get; init; } = "{}";

    public decimal? MonthlyCostUsd { get; init; }

    public string? CostEstimateJson { get; init; }

    /// <summary>The orchestration instance that drives this deployment.</summary>
    public string? InstanceId { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// When a clean-up (terminate or delete) began. Once set, the creation's activities undo what they make and its
    /// progress no longer changes the row (Orchestration/README.md, "Terminate and delete").
    /// </summary>
    public DateTimeOffset? CleanupStartedAt { get; init; }

    /// <summary>The clean-up's record (<c>Orchestration.Cleanup.CleanupRecord</c> as JSON), null when there was none.</summary>
    public string? CleanupJson { get; init; }

    /// <summary>The stored row's version; an update with a stale one fails with 412.</summary>
    public ETag ETag { get; init; }

    /// <summary>True when the creation takes no more input: it ended, or a clean-up has taken over.</summary>
    public bool IsFinished => Status is DeploymentStatus.Succeeded or DeploymentStatus.Failed or DeploymentStatus.Cancelled or DeploymentStatus.Expired
        or DeploymentStatus.Terminating or DeploymentStatus.Terminated or DeploymentStatus.Deleting or DeploymentStatus.Deleted;
}

/// <summary>A deployment in a listing: everything but the configuration and the estimate's breakdown.</summary>
public sealed record DeploymentSummary(string TenantId, string DeploymentId, string AgentName, string TemplateId, DeploymentStatus Status, int Progress,
    string? Step, decimal? MonthlyCostUsd, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>One page of a listing; pass <see cref="ContinuationToken"/> back for the next.</summary>
public sealed record DeploymentPage(IReadOnlyList<DeploymentSummary> Items, string? ContinuationToken);
