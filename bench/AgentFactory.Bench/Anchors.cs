namespace AgentFactory.Bench;

/// <summary>
/// The published figures of /work/shared/docs/ANCHORS.md (sources in brackets, as there), set against this
/// run. They were measured against real storage; ours run the engine over an in-memory store, so they are
/// the engine's own ceiling, not a storage benchmark: the point is how much of a storage budget the engine
/// itself would use.
/// </summary>
internal static class Anchors
{
    // HelloCities5 / HelloSequence5 orchestrations per second.
    private const double DurableFunctionsAzureStorage1Core = 32;    // [durabletask-netherite docs/throughput.md, 2021]
    private const double DurableFunctionsAzureStorage4Cores = 48;   // same
    private const double DurableFunctionsAzureStorageBest = 187;    // same, 12 × 4 cores
    private const double Netherite1Core = 57;                       // same
    private const double Netherite4Cores = 339;                     // same
    private const string MssqlRange = "21–60";                      // [durabletask-mssql docs/scaling.md], 2–16 SQL vCores
    private const double AzuriteCeilingOrchestrations = 50;         // ANCHORS.md: Azurite, 2 cores, 2 queue messages per activity → ≈ 45–50/s

    // Activities per second.
    private const double DurableFunctionsSequentialActivities = 5;  // [azure-docs durable-functions-azure-storage-provider.md], A1 VM
    private const string NetheriteSequentialActivities = "250–350"; // [netherite docs/scenarios.md], one worker
    private const double DurableFunctionsFanOutLow = 100;           // [azure-docs durable-functions-azure-storage-provider.md]
    private const double DurableFunctionsFanOutHigh = 150;          // same

    public static void Print(IReadOnlyList<ReplayRow>? replay, EpisodesReport? episodes)
    {
        Console.WriteLine();
        Console.WriteLine("== compared with anchors (/work/shared/docs/ANCHORS.md) ==");
        Console.WriteLine("  published figures ran against real storage; ours are the engine alone over the in-memory store (its ceiling)");
        var table = new Table("figure", "ours", "published", "ours ÷ published");
        if (episodes is not null)
        {
            ThroughputRun run = episodes.Median;
            double perCore = 1000 / run.CpuMsPerOrchestration;
            table.Add("HelloSequence5 orch/s", $"{Fmt.N(run.OrchestrationsPerSecond)} ({Environment.ProcessorCount} cores)",
                $"DF/Azure Storage {Fmt.N(DurableFunctionsAzureStorage4Cores)} (4 cores), Netherite {Fmt.N(Netherite4Cores)} (4 cores)",
                $"{Fmt.N(run.OrchestrationsPerSecond / DurableFunctionsAzureStorage4Cores)}× / {Fmt.N(run.OrchestrationsPerSecond / Netherite4Cores, 1)}×");
            table.Add("  same, best published", "", $"DF/Azure Storage {Fmt.N(DurableFunctionsAzureStorageBest)} (12 × 4 cores); MSSQL {MssqlRange}",
                $"{Fmt.N(run.OrchestrationsPerSecond / DurableFunctionsAzureStorageBest, 1)}×");
            table.Add("HelloSequence5 orch/s per core (CPU)", $"{Fmt.N(perCore)} ({Fmt.N(run.CpuMsPerOrchestration, 2)} ms CPU each)",
                $"DF/Azure Storage {Fmt.N(DurableFunctionsAzureStorage1Core)}, Netherite {Fmt.N(Netherite1Core)} (1 core)",
                $"{Fmt.N(perCore / DurableFunctionsAzureStorage1Core)}× / {Fmt.N(perCore / Netherite1Core)}×");
            double cpuShare = AzuriteCeilingOrchestrations * run.CpuMsPerOrchestration / 1000 / Environment.ProcessorCount;
            table.Add("engine CPU at the Azurite ceiling", $"{Fmt.Pct(cpuShare * 100)} of {Environment.ProcessorCount} cores",
                "Azurite ceiling ≈ 45–50 orch/s (2 queue msgs per activity)", "storage sets the limit");
            table.Add("sequential activities/s, one instance", Fmt.N(episodes.SequentialActivitiesPerSecond),
                $"DF/Azure Storage {Fmt.N(DurableFunctionsSequentialActivities)}; Netherite {NetheriteSequentialActivities}",
                $"{Fmt.N(episodes.SequentialActivitiesPerSecond / DurableFunctionsSequentialActivities)}× / " +
                $"{Fmt.N(episodes.SequentialActivitiesPerSecond / 350)}× (vs 350)");
            FanOutResult fan = episodes.FanOut[0];
            table.Add($"fan-out/fan-in activities/s ({Fmt.N(fan.Width)} wide)", $"{Fmt.N(fan.ActivitiesPerSecond)} ({Fmt.N(fan.MedianMs, 1)} ms)",
                $"DF/Azure Storage {Fmt.N(DurableFunctionsFanOutLow)}–{Fmt.N(DurableFunctionsFanOutHigh)}",
                $"{Fmt.N(fan.ActivitiesPerSecond / DurableFunctionsFanOutHigh)}× (vs 150)");
        }

        if (replay is not null)
        {
            ReplayRow large = replay.Single(r => r.Target == 10_000);
            ReplayRow mid = replay.Single(r => r.Target == 1_000);
            table.Add("replay ns/event (10,000-event history)", Fmt.N(large.NanosecondsPerEvent), "no published figure", "—");
            table.Add("replay per episode at 1,000 / 10,000 events",
                $"{Fmt.N(mid.ExecutorMicroseconds / 1000, 2)} / {Fmt.N(large.ExecutorMicroseconds / 1000, 2)} ms",
                "no published figure", "—");
        }

        table.Print();
        if (episodes is not null)
        {
            Console.WriteLine("  read: the engine is not the bottleneck; at the storage ceiling measured on Azurite (≈ 45–50 HelloSequence5/s)");
            Console.WriteLine("  it would use the CPU share above. The published systems' figures include their storage round trips.");
        }
    }
}
