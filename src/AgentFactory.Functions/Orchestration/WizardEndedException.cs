namespace AgentFactory.Functions.Orchestration;

/// <summary>
/// Ends a creation early: cancelled, expired or failed. Thrown inside the orchestrator (deterministically) and caught at
/// its top, where compensation runs.
/// </summary>
internal sealed class WizardEndedException : Exception
{
    public WizardEndedException()
        : this(CreationStates.Failed, DeploymentEventTypes.Failed, "The creation ended.", null)
    {
    }

    public WizardEndedException(string message)
        : this(CreationStates.Failed, DeploymentEventTypes.Failed, message, message)
    {
    }

    public WizardEndedException(string message, Exception innerException)
        : base(message, innerException)
    {
        State = CreationStates.Failed;
        EventType = DeploymentEventTypes.Failed;
        Error = message;
    }

    private WizardEndedException(string state, string eventType, string message, string? error)
        : base(message)
    {
        State = state;
        EventType = eventType;
        Error = error;
    }

    /// <summary>The final state: cancelled, expired or failed.</summary>
    public string State { get; }

    /// <summary>The event that records why.</summary>
    public string EventType { get; }

    /// <summary>Set for failures.</summary>
    public string? Error { get; }

    public static WizardEndedException Cancelled(string message) => new(CreationStates.Cancelled, DeploymentEventTypes.Cancelled, message, null);

    public static WizardEndedException Expired(string message) => new(CreationStates.Expired, DeploymentEventTypes.Expired, message, null);

    public static WizardEndedException Failed(string message) => new(CreationStates.Failed, DeploymentEventTypes.Failed, message, message);
}
