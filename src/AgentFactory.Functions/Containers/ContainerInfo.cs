namespace AgentFactory.Functions.Containers;

/// <summary>
/// A created container as the runtime describes it: the spec with secret values left out
/// (their names are listed in <see cref="SecretEnvironmentNames"/>).
/// </summary>
public sealed record ContainerInfo(
    string Name,
    string? Image,
    IReadOnlyList<string> Command,
    decimal CpuCores,
    long MemoryBytes,
    bool NetworkAccess,
    IReadOnlyList<ContainerMount> ReadOnlyMounts,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> SecretEnvironmentNames,
    IReadOnlyDictionary<string, string> Labels,
    string WorkDirectory,
    DateTimeOffset CreatedAt)
{
    /// <summary>The description of <paramref name="spec"/>, secrets removed.</summary>
    public static ContainerInfo From(ContainerSpec spec, string workDirectory, DateTimeOffset createdAt) => new(
        spec.Name,
        spec.Image,
        [.. spec.Command],
        spec.CpuCores,
        spec.MemoryBytes,
        spec.NetworkAccess,
        [.. spec.ReadOnlyMounts],
        spec.Environment.Where(e => !e.IsSecret).ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal),
        [.. spec.Environment.Where(e => e.IsSecret).Select(e => e.Name)],
        new Dictionary<string, string>(spec.Labels, StringComparer.Ordinal),
        workDirectory,
        createdAt);
}
