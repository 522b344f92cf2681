namespace AgentFactory.Core.Configuration;

/// <summary>CPU, memory and storage of one agent, from the fixed choices in <see cref="ResourceOptions"/>.</summary>
public sealed record ResourceSelection
{
    /// <summary>CPU cores: 0.5, 1, 2 or 4.</summary>
    public required decimal CpuCores { get; init; }

    /// <summary>Memory in MB: 512, 1024, 2048 or 4096.</summary>
    public required int MemoryMb { get; init; }

    /// <summary>Storage in GB: 1, 5, 10 or 20.</summary>
    public required int StorageGb { get; init; }
}
