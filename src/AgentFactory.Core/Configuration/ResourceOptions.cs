namespace AgentFactory.Core.Configuration;

/// <summary>The resource sizes the wizard offers (PRODUCT-BRIEF "Resources"); nothing in between.</summary>
public static class ResourceOptions
{
    /// <summary>Allowed CPU core counts.</summary>
    public static IReadOnlyList<decimal> CpuCores { get; } = [0.5m, 1m, 2m, 4m];

    /// <summary>Allowed memory sizes in MB.</summary>
    public static IReadOnlyList<int> MemoryMb { get; } = [512, 1024, 2048, 4096];

    /// <summary>Allowed storage sizes in GB.</summary>
    public static IReadOnlyList<int> StorageGb { get; } = [1, 5, 10, 20];
}
