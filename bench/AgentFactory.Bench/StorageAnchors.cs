namespace AgentFactory.Bench;

/// <summary>
/// The storage figures set against the bars and the published figures of /work/shared/docs/ANCHORS.md (sources in
/// brackets, as there). These runs use Azurite on the same 2 cores as the engine, the published ones real storage.
/// </summary>
internal static class StorageAnchors
{
    // Our bars (the brief for the storage backend).
    private const double BarOrchestrationsPerSecond = 60;
    private const double BarSequentialActivitiesPerSecond = 100;
    private const double BarEventP99Ms = 100;
    private const double BarRequestsPerActivity = 4;
    private const long BarMemoryBytes = 300L * 1024 * 1024;

    // HelloCities5 / HelloSequence5 orchestrations per second [durabletask-netherite docs/throughput.md, 2021].
    private const double DurableFunctionsAzureStorage1Core = 32;
    private const double DurableFunctionsAzureStorage4Cores = 48;
    private const double Netherite1Core = 57;
    private const double Netherite4Cores = 339;
    private const string MssqlRange = "21–60";                      // [durabletask-mssql docs/scaling.md], 2–16 SQL vCores

    // [azure-docs durable-functions-azure-storage-provider.md], A1 VM; Netherite [netherite docs/scenarios.md].
    private const double DurableFunctionsSequentialActivities = 5;
    private const string NetheriteSequentialActivities = "250–350";
    private const double DurableFunctionsFanOutHigh = 150;
    private const double DurableFunctionsEventsPerSecond = 50;

    // The Azurite ceiling in ANCHORS.md (Azurite 3.37, 2 cores, .NET client, measured 2026-11-23).
    private const string AnchorUpsert = "≈ 950 (1), ≈ 3,600–4,050 (4–64)";
    private const string AnchorSend = "≈ 720 (1), ≈ 1,450–1,850 (4–64)";
    private const string AnchorReceive = "≈ 450 (1), ≈ 500 (4–64)";

    public static void Print(StorageReport report)
    {
        Console.WriteLine();
        Console.WriteLine("== storage compared with anchors (/work/shared/docs/ANCHORS.md) and the bars ==");
        Console.WriteLine("  ours: engine + Azurite sharing this machine's cores; published: real Azure Storage / Netherite / SQL on their own machines");
        var table = new Table("figure", "ours", "bar", "meets", "published");
        if (report.OneProcess.Count > 0)
        {
            double orch = Measure.Median(report.OneProcess.Select(r => r.OrchestrationsPerSecond));
            table.Add("HelloSequence5 orch/s, 1 process", $"{Fmt.N(orch, 1)} (median of {report.OneProcess.Count})", $"≥ {Fmt.N(BarOrchestrationsPerSecond)}",
                Meets(orch >= BarOrchestrationsPerSecond),
                $"DF/Azure Storage {Fmt.N(DurableFunctionsAzureStorage1Core)} (1 core), {Fmt.N(DurableFunctionsAzureStorage4Cores)} (4); Netherite {Fmt.N(Netherite1Core)} / {Fmt.N(Netherite4Cores)}; MSSQL {MssqlRange}");
        }

        if (report.TwoProcesses is { } two)
        {
            table.Add("HelloSequence5 orch/s, 2 processes", Fmt.N(two.OrchestrationsPerSecond, 1), $"≥ {Fmt.N(BarOrchestrationsPerSecond)}",
                Meets(two.OrchestrationsPerSecond >= BarOrchestrationsPerSecond), "same");
        }

        StorageThroughputRun[] measured = [.. report.OneProcess, .. report.TwoProcesses is { } tp ? new[] { tp } : []];
        if (measured.Where(r => r.AzuriteCpuSeconds > 0).Select(r => r.AzuriteCpuSeconds!.Value * 1000 / r.Instances).ToArray() is { Length: > 0 } azuriteMs)
        {
            // Azurite runs its JavaScript on one thread: a core's worth of its CPU per second is about its ceiling.
            double perOrch = Measure.Median(azuriteMs);
            table.Add("  Azurite CPU per orchestration (all runs)", $"{Fmt.N(perOrch, 1)} ms → ≈ {Fmt.N(1000 / perOrch)} orch/s per Azurite core", "", "storage-bound",
                "ANCHORS.md estimate for 2 queue msgs/activity: ≈ 45–50 orch/s");
        }

        if (report.OneProcess.Count > 0)
        {
            double perActivity = Measure.Median(report.OneProcess.Select(r => r.WorkerRequestsPerActivity));
            double clientPerOrch = Measure.Median(report.OneProcess.Select(r => (double)r.Client.Total / r.Instances));
            table.Add("storage requests per activity (worker)", $"{Fmt.N(perActivity, 2)} (+ client {Fmt.N(clientPerOrch / Workloads.Cities.Length, 2)} for the start)",
                $"≤ {Fmt.N(BarRequestsPerActivity)}", Meets(perActivity <= BarRequestsPerActivity),
                "DF/Azure Storage: 2 queue msgs per activity (send + receive + delete each) + history batch [ANCHORS.md]");
        }

        if (report.Sequential is { } seq)
        {
            table.Add("sequential activities/s, one instance", $"{Fmt.N(seq.ActivitiesPerSecond)} ({Fmt.N(seq.Activities)} in {Fmt.N(seq.Seconds, 1)} s)",
                $"≥ {Fmt.N(BarSequentialActivitiesPerSecond)}", Meets(seq.ActivitiesPerSecond >= BarSequentialActivitiesPerSecond),
                $"DF/Azure Storage {Fmt.N(DurableFunctionsSequentialActivities)}; Netherite {NetheriteSequentialActivities}");
        }

        if (report.FanOut is { } fan)
        {
            table.Add($"fan-out/fan-in {Fmt.N(fan.Width)}: wall, activities/s", $"{Fmt.N(fan.MedianMs)} ms, {Fmt.N(fan.ActivitiesPerSecond)}/s", "—", "",
                $"DF/Azure Storage 100–{Fmt.N(DurableFunctionsFanOutHigh)} activities/s");
        }

        foreach (EventLatency e in report.Events)
        {
            bool barred = e == report.Events[0];
            table.Add($"raise-event → commit p99: {e.Path.Split(" (")[0]}", $"{Fmt.N(e.P99Ms, 1)} ms (p50 {Fmt.N(e.P50Ms, 1)})",
                barred ? $"< {Fmt.N(BarEventP99Ms)} ms" : "(info)", barred ? Meets(e.P99Ms < BarEventP99Ms) : "",
                barred ? $"DF/Azure Storage {Fmt.N(DurableFunctionsEventsPerSecond)} events/s (throughput); ours one instance, serial: {Fmt.N(1000 / e.P50Ms)}/s" : "");
        }

        if (report.Memory is { } memory)
        {
            table.Add($"worker memory, {Fmt.N(memory.Instances)} waiting (after GC)", $"{Fmt.Mb(memory.Parked.WorkingSet)} WS, {Fmt.Mb(memory.Parked.GcHeap)} GC heap",
                $"< {Fmt.Mb(BarMemoryBytes)}", Meets(memory.Parked.WorkingSet < BarMemoryBytes), "no published figure");
            table.Add("  peak working set of that worker", Fmt.Mb(memory.Parked.PeakWorkingSet), $"< {Fmt.Mb(BarMemoryBytes)}",
                Meets(memory.Parked.PeakWorkingSet < BarMemoryBytes), "");
        }

        StorageThroughputRun[] throughput = [.. report.OneProcess, .. report.TwoProcesses is { } t ? new[] { t } : []];
        if (throughput.Length > 0)
        {
            long peak = throughput.Max(r => Math.Max(r.MaxWorkingSet, r.ChildPeakWorkingSet ?? 0));
            table.Add("peak working set during throughput runs", Fmt.Mb(peak), $"< {Fmt.Mb(BarMemoryBytes)}", Meets(peak < BarMemoryBytes), "");
        }

        if (report.Ceiling is { } ceiling)
        {
            table.Add("Azurite now: table upsert/s (1 / 4 / 16)", Rates(ceiling, StorageCeiling.Upsert, 1, 4, 16), "", "", $"ANCHORS.md {AnchorUpsert}");
            table.Add("Azurite now: table merge/s (1 / 4 / 16)", Rates(ceiling, StorageCeiling.Merge, 1, 4, 16), "", "", "—");
            table.Add("Azurite now: queue send/s (1 / 4 / 16)", Rates(ceiling, StorageCeiling.Send, 1, 4, 16), "", "", $"ANCHORS.md {AnchorSend}");
            table.Add("Azurite now: receive+delete msgs/s (1 / 4)", Rates(ceiling, StorageCeiling.ReceiveDelete, 1, 4), "", "", $"ANCHORS.md {AnchorReceive}");
            table.Add("  same, 1 consumer, 1,000 more queued", Fmt.N(ceiling.Rate(StorageCeiling.ReceiveDeleteAt(1000), 1)), "", "",
                "Azurite: cost grows with all messages it holds");
            table.Add("Azurite now: point query / point read /s (4)",
                $"{Fmt.N(ceiling.Rate(StorageCeiling.PointQuery, 4))} / {Fmt.N(ceiling.Rate(StorageCeiling.PointRead, 4))}", "", "", "—");
        }

        table.Print();
        Console.WriteLine("  read: the bars are for this 2-core machine with Azurite on it; Azurite's CPU is part of every figure (see the Azurite CPU column).");
    }

    private static string Meets(bool ok) => ok ? "yes" : "NO";

    private static string Rates(CeilingReport ceiling, string operation, params int[] concurrencies) =>
        string.Join(" / ", concurrencies.Select(c => Fmt.N(ceiling.Rate(operation, c))));
}
