namespace AgentFactory.Core.Configuration;

/// <summary>Where agents run.</summary>
public enum RuntimeKind
{
    /// <summary>Azure Container Instances (one container group per agent).</summary>
    AzureContainerInstances,
    /// <summary>The local runtime (the agent program under bubblewrap with cgroup limits on this host).</summary>
    Local,
}

/// <summary>
/// The largest agent a runtime can run, and how it rounds memory up. Validation refuses what a runtime
/// cannot deploy; provisioning and pricing use <see cref="ProvisionedMemoryMb"/> for what is really allocated.
/// </summary>
public sealed record RuntimeProfile
{
    /// <summary>The runtime.</summary>
    public required RuntimeKind Kind { get; init; }

    /// <summary>Most CPU cores one agent may have.</summary>
    public required decimal MaxCpuCores { get; init; }

    /// <summary>Most memory one agent may have, in MB.</summary>
    public required int MaxMemoryMb { get; init; }

    /// <summary>Most storage one agent may have, in GB.</summary>
    public required int MaxStorageGb { get; init; }

    /// <summary>The smallest memory the runtime allocates; smaller requests are rounded up to it.</summary>
    public int MinProvisionedMemoryMb { get; init; }

    /// <summary>
    /// ACI Linux container group limits (ANCHORS: 4 vCPU, 16 GB, 50 GB; the docs ask for ≥ 1 GB per group).
    /// A 512 MB agent is provisioned as a 1 GB group (and billed as 1 GB), its process capped at 512 MB by the runtime.
    /// </summary>
    public static RuntimeProfile AzureContainerInstances { get; } = new()
    {
        Kind = RuntimeKind.AzureContainerInstances, MaxCpuCores = 4m, MaxMemoryMb = 16_384, MaxStorageGb = 50,
        MinProvisionedMemoryMb = 1024,
    };

    /// <summary>The local runtime on a host with the given capacity (configured, or read from the host at start).</summary>
    public static RuntimeProfile Local(decimal maxCpuCores, int maxMemoryMb, int maxStorageGb) => new()
    {
        Kind = RuntimeKind.Local, MaxCpuCores = maxCpuCores, MaxMemoryMb = maxMemoryMb, MaxStorageGb = maxStorageGb,
    };

    /// <summary>The memory the runtime really allocates for a request of <paramref name="requestedMemoryMb"/>.</summary>
    public int ProvisionedMemoryMb(int requestedMemoryMb) => Math.Max(requestedMemoryMb, MinProvisionedMemoryMb);
}
