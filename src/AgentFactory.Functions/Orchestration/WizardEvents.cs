namespace AgentFactory.Functions.Orchestration;

/// <summary>
/// The external events a person (or a script) sends an agent creation. Names are case-insensitive in the engine;
/// these spellings are the ones the status lists in <c>waitingFor</c>.
/// </summary>
public static class WizardEvents
{
    /// <summary>Step 1: the template (<c>{templateId, templateVersion?}</c>).</summary>
    public const string TemplateChosen = "TemplateChosen";

    /// <summary>Step 2: a configuration (redacted by the facade; secrets go to the secret store).</summary>
    public const string ConfigurationSubmitted = "ConfigurationSubmitted";

    /// <summary>Step 4, before approving: run the sandbox tests again (they run on their own after a valid configuration).</summary>
    public const string SandboxRequested = "SandboxRequested";

    /// <summary>Step 4: provision the agent's infrastructure.</summary>
    public const string ProvisioningApproved = "ProvisioningApproved";

    /// <summary>Step 5: the cost estimate is accepted; start the agent.</summary>
    public const string DeploymentConfirmed = "DeploymentConfirmed";

    /// <summary>Go back to the previous step that takes input (undoing provisioning when going back past it).</summary>
    public const string Back = "Back";

    /// <summary>Start over: everything made so far is removed and the wizard returns to its first step.</summary>
    public const string Reset = "Reset";

    /// <summary>Stop: everything made so far is removed; accepted at any time until the deployment finishes.</summary>
    public const string Cancel = "Cancel";

    /// <summary>Every event, in the order the orchestration looks at them when several have arrived (control first).</summary>
    public static IReadOnlyList<string> All { get; } =
        [Cancel, Reset, Back, TemplateChosen, ConfigurationSubmitted, SandboxRequested, ProvisioningApproved, DeploymentConfirmed];

    /// <summary>The event's canonical spelling, or null when <paramref name="name"/> is not a wizard event.</summary>
    public static string? Normalize(string? name) =>
        All.FirstOrDefault(e => string.Equals(e, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
