namespace AgentFactory.Functions.Orchestration;

/// <summary>
/// The orchestration's input. Everything here is stored in history, so it holds the redacted configuration only; the
/// secret values are in the <see cref="Secrets.ISecretStore"/> under the deployment, tagged with
/// <see cref="SubmittedConfiguration.SecretsVersion"/>.
/// </summary>
public sealed record AgentCreationInput
{
    public required string TenantId { get; init; }

    /// <summary>Also the orchestration's instance id.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>Run straight through with every step pre-approved; an invalid configuration fails at once.</summary>
    public bool Automation { get; init; }

    /// <summary>The template, when given at start (step 1 is then skipped).</summary>
    public string? TemplateId { get; init; }

    public int? TemplateVersion { get; init; }

    /// <summary>A configuration given at start (required in automation mode).</summary>
    public SubmittedConfiguration? Configuration { get; init; }

    /// <summary>Timeouts and intervals, fixed for the life of the instance so that replay never sees them change.</summary>
    public required AgentCreationSettings Settings { get; init; }
}

/// <summary>
/// A configuration as it travels through the orchestration: the JSON with every secret value replaced by
/// <c>***</c>, and the version its secrets were stored under. <see cref="ReadErrors"/> is set instead of the
/// JSON when the submission was not a JSON object at all.
/// </summary>
public sealed record SubmittedConfiguration(string? Json, string? SecretsVersion, IReadOnlyList<ValidationErrorInfo>? ReadErrors = null);

/// <summary>The timing of one creation (a snapshot of <see cref="AgentCreationOptions"/> taken at start).</summary>
public sealed record AgentCreationSettings
{
    public required TimeSpan HumanStepTimeout { get; init; }

    public required TimeSpan HealthCheckInterval { get; init; }

    public required TimeSpan HealthCheckTimeout { get; init; }

    public required TimeSpan FirstTaskPollInterval { get; init; }

    public required TimeSpan FirstTaskTimeout { get; init; }

    public required int ActivityMaxAttempts { get; init; }

    public required TimeSpan ActivityRetryInterval { get; init; }
}

/// <summary>
/// The payload of every wizard event. <see cref="AtStep"/> is the step the sender saw (the facade fills it in):
/// an event meant for another step is ignored instead of acting on a step the person never saw.
/// </summary>
public sealed record WizardInput
{
    public int? AtStep { get; init; }

    /// <summary>TemplateChosen.</summary>
    public string? TemplateId { get; init; }

    /// <summary>TemplateChosen; the latest version when absent.</summary>
    public int? TemplateVersion { get; init; }

    /// <summary>ConfigurationSubmitted.</summary>
    public SubmittedConfiguration? Configuration { get; init; }

    /// <summary>Cancel, Back, Reset: why, for the event log.</summary>
    public string? Reason { get; init; }
}

/// <summary>The orchestration's output: how it ended and what is left or was removed.</summary>
public sealed record AgentCreationResult
{
    /// <summary>One of the final <see cref="CreationStates"/>.</summary>
    public required string State { get; init; }

    public required string DeploymentId { get; init; }

    public string? AgentName { get; init; }

    public string? Message { get; init; }

    public string? Error { get; init; }

    public IReadOnlyList<ValidationErrorInfo> ValidationErrors { get; init; } = [];

    public IReadOnlyList<ResourceInfo> Resources { get; init; } = [];

    public IReadOnlyList<ResourceInfo> CleanedUp { get; init; } = [];

    public IReadOnlyList<string> NotCleanedUp { get; init; } = [];
}
