using System.Diagnostics;
using AgentFactory.Bench;

// The engine's benchmark harness. Usage (see bench/README.md):
//   dotnet run -c Release --project bench/AgentFactory.Bench -- [replay] [episodes] [all]
//   dotnet run -c Release --project bench/AgentFactory.Bench -- storage-all | storage | storage-2proc | storage-memory | storage-ceiling
//   dotnet run -c Release --project bench/AgentFactory.Bench -- agent-creation
//   dotnet run -c Release --project bench/AgentFactory.Bench -- pubsub-fanout   (the local Web PubSub hub)
// "all" (the default) is the in-memory engine; the storage scenarios run on AGENTFACTORY_STORAGE or a private Azurite.
if (args is ["storage-worker"])
{
    // The worker-only child of the two-process and memory scenarios; stdout is its protocol, so no header.
    return await StorageWorkerMode.RunAsync();
}

string[] known = ["replay", "episodes", "all", "storage", "storage-2proc", "storage-memory", "storage-ceiling", "storage-all", "agent-creation", "pubsub-fanout"];
string[] chosen = args.Length == 0 ? ["all"] : [.. args.Select(a => a.ToLowerInvariant())];
if (chosen.Except(known).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"Unknown scenario '{unknown}'. Scenarios: {string.Join(", ", known)} (all = replay + episodes, the default).");
    return 2;
}

bool all = chosen.Contains("all");
bool storageAll = chosen.Contains("storage-all");
Measure.PrintMachine();
var total = Stopwatch.StartNew();
IReadOnlyList<ReplayRow>? replay = all || chosen.Contains("replay") ? await ReplayScenario.RunAsync() : null;
EpisodesReport? episodes = all || chosen.Contains("episodes") ? await EpisodesScenario.RunAsync() : null;
if (replay is not null || episodes is not null)
{
    Anchors.Print(replay, episodes);
}

if (chosen.Contains("pubsub-fanout"))
{
    await PubSubFanoutScenario.RunAsync();
}

if (chosen.Any(c => c.StartsWith("storage", StringComparison.Ordinal)))
{
    await using StorageEnvironment storage = await StorageEnvironment.StartAsync();
    StorageScenario.PrintSetup(storage);
    var report = new StorageReport();
    // The storage's own ceiling, same machine, same moment (skip it with AGENTFACTORY_BENCH_NO_CEILING=1 when iterating).
    if (storageAll || chosen.Contains("storage-ceiling") || Environment.GetEnvironmentVariable("AGENTFACTORY_BENCH_NO_CEILING") != "1")
    {
        var section = Stopwatch.StartNew();
        report.Ceiling = await StorageCeiling.RunAsync(storage);
        Took(section);
    }

    if (storageAll || chosen.Contains("storage"))
    {
        var section = Stopwatch.StartNew();
        await StorageScenario.RunThroughputAsync(storage, report, processes: 1);
        Took(section);
    }

    if (storageAll || chosen.Contains("storage-2proc"))
    {
        var section = Stopwatch.StartNew();
        await StorageScenario.RunThroughputAsync(storage, report, processes: 2);
        Took(section);
    }

    if (storageAll || chosen.Contains("storage"))
    {
        var section = Stopwatch.StartNew();
        await StorageScenario.RunSingleInstanceScenariosAsync(storage, report);
        Took(section);
    }

    if (storageAll || chosen.Contains("storage-memory"))
    {
        var section = Stopwatch.StartNew();
        await StorageScenario.RunMemoryAsync(storage, report);
        Took(section);
    }

    using (Process self = Process.GetCurrentProcess())
    {
        report.ProcessPeakWorkingSet = self.PeakWorkingSet64;
    }

    Console.WriteLine();
    Console.WriteLine($"  this process's peak working set (whole run): {Fmt.Mb(report.ProcessPeakWorkingSet)}");
    StorageAnchors.Print(report);
}

if (chosen.Contains("agent-creation"))
{
    await using StorageEnvironment storage = await StorageEnvironment.StartAsync();
    Console.WriteLine($"storage: {(storage.Started ? "Azurite started by this run" : "AGENTFACTORY_STORAGE")} at {storage.Endpoints}");
    await AgentCreationScenario.RunAsync(storage);
}

Console.WriteLine();
Console.WriteLine($"total {Fmt.N(total.Elapsed.TotalSeconds)} s; load average at the end {Measure.LoadAverage()}");
return 0;

static void Took(Stopwatch section) =>
    Console.WriteLine($"  (section took {Fmt.N(section.Elapsed.TotalSeconds)} s; load average now {Measure.LoadAverage()})");
