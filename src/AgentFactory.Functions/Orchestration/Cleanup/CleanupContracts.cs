using AgentFactory.Functions.Orchestration.Activities;

namespace AgentFactory.Functions.Orchestration.Cleanup;

/// <summary>Why a deployment is cleaned up.</summary>
public static class CleanupKinds
{
    /// <summary>Its creation was terminated through the management API: remove what the creation made.</summary>
    public const string Terminate = "terminate";

    /// <summary>A deployed agent is deleted (<c>DELETE /agents/{id}</c>): remove everything it has.</summary>
    public const string Delete = "delete";
}

/// <summary>What the clean-up of one deployment does; fixed when it is scheduled.</summary>
public sealed record CleanupInput
{
    public required string TenantId { get; init; }

    public required string DeploymentId { get; init; }

    /// <summary><see cref="CleanupKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The caller's reason (terminate's <c>reason</c>), names only.</summary>
    public string? Reason { get; init; }

    public int ActivityMaxAttempts { get; init; } = 3;

    public TimeSpan ActivityRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait between looks at a creation that has not stopped yet.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many looks before going on anyway (the fence still removes what a late activity makes).</summary>
    public int MaxPolls { get; init; } = 120;
}

/// <summary>
/// The first step's answer: wait (the creation has not stopped yet), skip (nothing of this kind to clean up), or go on
/// with what to remove.
/// </summary>
public sealed record CleanupStart
{
    public bool Wait { get; init; }

    public bool Proceed { get; init; }

    public string Message { get; init; } = "";

    /// <summary>The event-log sequence of the clean-up's first event (<c>CleanupStarted</c>); later events follow it.</summary>
    public long FirstSequence { get; init; }

    /// <summary>The step of the wizard the deployment was at (the events' step).</summary>
    public int Step { get; init; }

    /// <summary>The configuration the resources were made from; null when none could have been made.</summary>
    public string? ConfigurationJson { get; init; }

    public string? TemplateId { get; init; }

    public int TemplateVersion { get; init; }

    /// <summary>The agent's name, held in the name table while the deployment holds it.</summary>
    public string? AgentName { get; init; }
}

/// <summary>Writes the end of a clean-up: the deployment row's status and record, and the <c>CleanedUp</c> event.</summary>
public sealed record CleanupFinish(ProgressTicket Ticket, string Kind, string Message, IReadOnlyList<ResourceInfo> CleanedUp, IReadOnlyList<string> NotCleanedUp);

/// <summary>
/// The clean-up as the deployment row keeps it (<c>CleanupJson</c>) and the status shows it: what asked for it, where it
/// stands, and what it removed.
/// </summary>
public sealed record CleanupRecord
{
    /// <summary><see cref="CleanupKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>running</c> or <c>completed</c>.</summary>
    public required string State { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public long FirstSequence { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public IReadOnlyList<ResourceInfo> CleanedUp { get; init; } = [];

    public IReadOnlyList<string> NotCleanedUp { get; init; } = [];
}

/// <summary>How the clean-up ended.</summary>
public sealed record CleanupResult(bool CleanedUp, string Message, IReadOnlyList<ResourceInfo> Removed, IReadOnlyList<string> NotRemoved);
