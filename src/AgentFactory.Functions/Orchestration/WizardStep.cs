namespace AgentFactory.Functions.Orchestration;

/// <summary>The steps of the agent creation wizard, numbered as the portal shows them.</summary>
public enum WizardStep
{
    /// <summary>Choose a template (skipped when one is given at start).</summary>
    ChooseTemplate = 1,

    /// <summary>Configure: validated; an invalid configuration stays here with its errors.</summary>
    Configure = 2,

    /// <summary>Test in the sandbox: runs on its own after a valid configuration.</summary>
    Sandbox = 3,

    /// <summary>Provision queue, storage, container and monitoring, once approved.</summary>
    Provision = 4,

    /// <summary>Review the cost estimate and confirm.</summary>
    Review = 5,

    /// <summary>Start the agent, wait until healthy, run its first task.</summary>
    Deploy = 6,
}

/// <summary>Names of steps as the status and the event log spell them.</summary>
public static class WizardSteps
{
    /// <summary>The step's stable name: chooseTemplate, configure, sandbox, provision, review, deploy.</summary>
    public static string NameOf(WizardStep step) => step switch
    {
        WizardStep.ChooseTemplate => "chooseTemplate",
        WizardStep.Configure => "configure",
        WizardStep.Sandbox => "sandbox",
        WizardStep.Provision => "provision",
        WizardStep.Review => "review",
        WizardStep.Deploy => "deploy",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a wizard step."),
    };
}
