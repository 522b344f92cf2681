using AgentFactory.Core.Validation;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>
/// Free capacity from the region's Container Instances usage: the cores left under <c>StandardCores</c>, none at all
/// when no container group is left under <c>ContainerGroups</c>, and never more than <paramref name="tenantQuota"/>
/// gives the tenant. Memory follows the cores (a Linux group gets at most 16 GB per 4 cores... so 4 GB per core is the
/// floor and 16 GB the ceiling of one group): the figure is cores × 16 GB, capped by the tenant's quota.
/// </summary>
public sealed class ContainerInstancesCapacityProvider(ContainerInstancesRuntime runtime, ICapacityProvider tenantQuota) : ICapacityProvider
{
    /// <inheritdoc/>
    public async Task<CapacitySnapshot> GetAvailableAsync(string tenantId, string region, CancellationToken cancellationToken = default)
    {
        CapacitySnapshot quota = await tenantQuota.GetAvailableAsync(tenantId, region, cancellationToken);
        IReadOnlyList<ContainerInstancesUsage> usage = await runtime.GetUsageAsync(region, cancellationToken);
        ContainerInstancesUsage? groups = usage.FirstOrDefault(u => u.Name is "ContainerGroups" or "StandardContainerGroups");
        ContainerInstancesUsage? cores = usage.FirstOrDefault(u => u.Name == "StandardCores");
        if (groups is { Available: 0 })
        {
            return new CapacitySnapshot(0m, 0);
        }

        decimal freeCores = cores is null ? quota.CpuCores : Math.Min(quota.CpuCores, cores.Available);
        int freeMemory = (int)Math.Min(quota.MemoryMb, (long)(freeCores * 16_384m));
        return new CapacitySnapshot(freeCores, freeMemory);
    }
}
