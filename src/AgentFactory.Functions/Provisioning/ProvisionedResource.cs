namespace AgentFactory.Functions.Provisioning;

/// <summary>A kind of resource provisioning makes.</summary>
public enum ResourceKind
{
    /// <summary>A storage queue.</summary>
    Queue,

    /// <summary>A blob container.</summary>
    BlobContainer,

    /// <summary>A table.</summary>
    Table,

    /// <summary>The agent's container (container group).</summary>
    Container,

    /// <summary>The health-check registration row.</summary>
    HealthCheck,

    /// <summary>The alert rule row.</summary>
    AlertRule,
}

/// <summary>What a step did to a resource.</summary>
public enum ResourceChange
{
    /// <summary>It did not exist and was made.</summary>
    Created,

    /// <summary>It existed as wanted and was left alone.</summary>
    Existed,

    /// <summary>It existed with another definition and was replaced.</summary>
    Updated,

    /// <summary>It existed and was removed.</summary>
    Deleted,

    /// <summary>It was not there to remove.</summary>
    Absent,
}

/// <summary>One resource a step touched, by name (names are never secret).</summary>
public sealed record ProvisionedResource(ResourceKind Kind, string Name, ResourceChange Change);

/// <summary>What one step applied or removed.</summary>
public sealed record StepOutcome(ProvisioningStepKind Step, IReadOnlyList<ProvisionedResource> Resources)
{
    /// <summary>True when the step changed nothing (everything already as wanted).</summary>
    public bool Unchanged => Resources.All(r => r.Change is ResourceChange.Existed or ResourceChange.Absent);
}
