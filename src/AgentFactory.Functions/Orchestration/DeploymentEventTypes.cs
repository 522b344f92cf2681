namespace AgentFactory.Functions.Orchestration;

/// <summary>The <c>type</c> of each entry of a deployment's event log.</summary>
public static class DeploymentEventTypes
{
    // Recorded by the orchestration.
    public const string Created = "Created";
    public const string StepStarted = "StepStarted";
    public const string WaitingForInput = "WaitingForInput";
    public const string InputReceived = "InputReceived";
    public const string InputIgnored = "InputIgnored";
    public const string WentBack = "WentBack";
    public const string Reset = "Reset";
    public const string Cancelled = "Cancelled";
    public const string Expired = "Expired";
    public const string Failed = "Failed";
    public const string Compensated = "Compensated";
    public const string Completed = "Completed";

    /// <summary>An activity failed for good (recorded under the sequence the activity would have used).</summary>
    public const string ActivityFailed = "ActivityFailed";

    // Published by the activities.
    public const string TemplateChosen = "TemplateChosen";
    public const string TemplateRejected = "TemplateRejected";
    public const string ConfigurationValid = "ConfigurationValid";
    public const string ValidationFailed = "ValidationFailed";
    public const string CostEstimated = "CostEstimated";
    public const string SandboxResult = "SandboxResult";
    public const string ResourceProvisioned = "ResourceProvisioned";
    public const string ResourceDeprovisioned = "ResourceDeprovisioned";
    public const string AgentStarted = "AgentStarted";
    public const string HealthChecked = "HealthChecked";
    public const string FirstTaskSent = "FirstTaskSent";
    public const string FirstTaskChecked = "FirstTaskChecked";
    public const string AgentActivated = "AgentActivated";
    public const string Released = "Released";

    // The clean-up after a terminate or a delete (Cleanup/).
    public const string CleanupStarted = "CleanupStarted";
    public const string CleanedUp = "CleanedUp";
}
