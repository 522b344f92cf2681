namespace AgentFactory.Functions.Provisioning;

/// <summary>What provisioning or deprovisioning did, step by step, in the order it ran.</summary>
public sealed record ProvisioningResult(IReadOnlyList<StepOutcome> Steps)
{
    /// <summary>Every resource touched.</summary>
    public IEnumerable<ProvisionedResource> Resources => Steps.SelectMany(s => s.Resources);

    /// <summary>True when nothing changed (a repeated provisioning, or deprovisioning what was gone).</summary>
    public bool Unchanged => Steps.All(s => s.Unchanged);
}
