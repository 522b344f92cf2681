namespace AgentFactory.Core.Validation;

/// <summary>Free capacity for new agents of a tenant in a region: the smaller of the tenant's remaining quota and the region's capacity.</summary>
/// <param name="CpuCores">Free CPU cores.</param>
/// <param name="MemoryMb">Free memory in MB.</param>
public readonly record struct CapacitySnapshot(decimal CpuCores, int MemoryMb);

/// <summary>Where free capacity comes from: ACI quota and usage in the cloud, configured figures locally.</summary>
public interface ICapacityProvider
{
    /// <summary>The capacity available to <paramref name="tenantId"/> in <paramref name="region"/> now.</summary>
    Task<CapacitySnapshot> GetAvailableAsync(string tenantId, string region, CancellationToken cancellationToken = default);
}
