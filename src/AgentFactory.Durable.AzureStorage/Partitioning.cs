namespace AgentFactory.Durable.AzureStorage;

/// <summary>Places instances on control-queue partitions by a stable hash (never string.GetHashCode, which changes per process).</summary>
internal static class Partitioning
{
    /// <summary>32-bit FNV-1a over the UTF-16 code units of <paramref name="instanceId"/>.</summary>
    public static uint Fnv1a(string instanceId)
    {
        uint hash = 2166136261;
        foreach (char c in instanceId)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }

        return hash;
    }

    public static int PartitionOf(string instanceId, int partitionCount) => (int)(Fnv1a(instanceId) % (uint)partitionCount);
}
