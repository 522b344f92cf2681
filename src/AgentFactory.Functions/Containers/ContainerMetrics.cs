namespace AgentFactory.Functions.Containers;

/// <summary>Resource use of a container over all its runs, as its limits account it.</summary>
/// <param name="CpuTime">CPU time used by all its processes (user + system).</param>
/// <param name="MemoryBytes">Memory in use now (0 once it has exited, apart from cached pages).</param>
/// <param name="PeakMemoryBytes">The most memory in use at any moment.</param>
/// <param name="OomKillCount">Processes killed for passing the memory limit.</param>
/// <param name="SampledAt">When the figures were read.</param>
public sealed record ContainerMetrics(TimeSpan CpuTime, long MemoryBytes, long PeakMemoryBytes, long OomKillCount, DateTimeOffset SampledAt);
