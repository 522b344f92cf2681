namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The steps of provisioning, in the order they are applied (and removed in reverse). The container comes
/// before monitoring so the monitor never watches a container that does not exist yet, and on the way down
/// monitoring goes first so tearing the container down raises no alert.
/// </summary>
public enum ProvisioningStepKind
{
    /// <summary>The agent's task queue and its poison queue.</summary>
    Queue,

    /// <summary>The agent's blob container, and its table for memory agents.</summary>
    Storage,

    /// <summary>The agent's container, created with the agent program and started.</summary>
    Container,

    /// <summary>The health-check registration and alert rule the monitoring loop runs.</summary>
    Monitoring,
}
