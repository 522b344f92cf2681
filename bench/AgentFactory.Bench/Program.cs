using System.Diagnostics;
using AgentFactory.Bench;

// The engine's benchmark harness. Usage (see bench/README.md):
//   dotnet run -c Release --project bench/AgentFactory.Bench -- [replay] [episodes] [all]
string[] known = ["replay", "episodes", "all"];
string[] chosen = args.Length == 0 ? ["all"] : [.. args.Select(a => a.ToLowerInvariant())];
if (chosen.Except(known).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"Unknown scenario '{unknown}'. Scenarios: replay, episodes, all (the default).");
    return 2;
}

bool all = chosen.Contains("all");
Measure.PrintMachine();
var total = Stopwatch.StartNew();
IReadOnlyList<ReplayRow>? replay = all || chosen.Contains("replay") ? await ReplayScenario.RunAsync() : null;
EpisodesReport? episodes = all || chosen.Contains("episodes") ? await EpisodesScenario.RunAsync() : null;
Anchors.Print(replay, episodes);
Console.WriteLine();
Console.WriteLine($"total {Fmt.N(total.Elapsed.TotalSeconds)} s; load average at the end {Measure.LoadAverage()}");
return 0;
