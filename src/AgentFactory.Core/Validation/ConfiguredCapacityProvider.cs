namespace AgentFactory.Core.Validation;

/// <summary>
/// An <see cref="ICapacityProvider"/> with fixed figures: a default for every tenant and region, and
/// overrides for given (tenant, region) pairs. The local runtime uses it with the host's capacity.
/// </summary>
public sealed class ConfiguredCapacityProvider : ICapacityProvider
{
    private readonly CapacitySnapshot defaultCapacity;
    private readonly IReadOnlyDictionary<(string TenantId, string Region), CapacitySnapshot> overrides;

    /// <summary>Creates the provider.</summary>
    /// <param name="defaultCapacity">The capacity of any tenant and region without an override.</param>
    /// <param name="overrides">Capacity of specific (tenant, region) pairs.</param>
    public ConfiguredCapacityProvider(CapacitySnapshot defaultCapacity, IReadOnlyDictionary<(string TenantId, string Region), CapacitySnapshot>? overrides = null)
    {
        this.defaultCapacity = defaultCapacity;
        this.overrides = overrides ?? new Dictionary<(string, string), CapacitySnapshot>();
    }

    /// <summary>ACI's default regional quota (ANCHORS: 100 cores per region); memory is bounded by 16 GB per core-group at most.</summary>
    public static ConfiguredCapacityProvider AciDefaultQuota { get; } = new(new CapacitySnapshot(100m, 100 * 16_384));

    /// <inheritdoc/>
    public Task<CapacitySnapshot> GetAvailableAsync(string tenantId, string region, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(overrides.GetValueOrDefault((tenantId, region), defaultCapacity));
    }
}
