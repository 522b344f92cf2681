using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>The names the activities are registered under.</summary>
public static class AgentCreationActivities
{
    public const string ResolveTemplate = "ResolveTemplate";
    public const string ValidateConfiguration = "ValidateConfiguration";
    public const string EstimateCost = "EstimateCost";
    public const string RunSandbox = "RunSandbox";
    public const string ProvisionStep = "ProvisionStep";
    public const string DeprovisionStep = "DeprovisionStep";
    public const string StartAgent = "StartAgent";
    public const string CheckHealth = "CheckHealth";
    public const string SendFirstTask = "SendFirstTask";
    public const string CheckFirstTask = "CheckFirstTask";
    public const string ActivateAgent = "ActivateAgent";
    public const string ReleaseDeployment = "ReleaseDeployment";
    public const string RecordProgress = "RecordProgress";
}

/// <summary>
/// One activity call of one deployment: the event-log sequence it publishes its progress event under. The sequence
/// is unique per call, so (deployment, sequence) is the call's idempotency key: a re-run finds its own event and
/// returns the result recorded there.
/// </summary>
public sealed record ProgressTicket(string TenantId, string DeploymentId, long Sequence, int Step, string StepName, int Progress);

/// <summary>The template a person chose (or the latest version of it).</summary>
public sealed record ResolveTemplateInput(ProgressTicket Ticket, string TemplateId, int? TemplateVersion);

/// <summary>The pinned template, or why there is none.</summary>
public sealed record TemplateChoice(bool Found, string TemplateId, int Version, string? Name, string? Error);

/// <summary>A configuration to validate against the chosen template; <see cref="ReservedName"/> is the name this deployment holds.</summary>
public sealed record ValidateConfigurationInput(ProgressTicket Ticket, SubmittedConfiguration Configuration, string? ChosenTemplateId, int? ChosenTemplateVersion,
    string? ReservedName);

/// <summary>
/// The verdict. When valid: the configuration in canonical form (redacted), the agent's name (now reserved for the
/// deployment) and its template.
/// </summary>
public sealed record ValidationOutcome(bool Valid, IReadOnlyList<ValidationErrorInfo> Problems, string? ConfigurationJson = null, string? AgentName = null,
    string? TemplateId = null, int? TemplateVersion = null);

/// <summary>Work on a validated configuration: the redacted JSON and the version of its stored secrets.</summary>
public sealed record AgentWork(ProgressTicket Ticket, string ConfigurationJson, string? SecretsVersion, string TemplateId, int TemplateVersion);

/// <summary>One provisioning step to apply or remove.</summary>
public sealed record ProvisionStepInput(AgentWork Work, ProvisioningStepKind Kind);

/// <summary>What one provisioning step applied or removed.</summary>
public sealed record StepResult(string Step, IReadOnlyList<ResourceInfo> Resources);

/// <summary>The agent's container after starting it.</summary>
public sealed record AgentStartResult(string Container, string State, DateTimeOffset? StartedAt);

/// <summary>A health check of the deployed agent.</summary>
public sealed record HealthCheckInput(ProgressTicket Ticket, string AgentName, string Container, DateTimeOffset? StartedAt, int Attempt);

/// <summary>Looks for the first task's result.</summary>
public sealed record FirstTaskCheckInput(AgentWork Work, string AgentName, string TaskId, string TemplateTaskId, int Attempt);

/// <summary>Marks the agent's name as belonging to a running agent.</summary>
public sealed record ActivateAgentInput(ProgressTicket Ticket, string AgentName);

/// <summary>Gives back what the deployment holds besides provisioned resources: its sandbox, its name, its secrets.</summary>
public sealed record ReleaseDeploymentInput(ProgressTicket Ticket, string? AgentName, bool DeleteSecrets);

/// <summary>What was released.</summary>
public sealed record ReleaseResult(IReadOnlyList<ResourceInfo> Released);
