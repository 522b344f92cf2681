using System.Diagnostics;
using AgentFactory.Durable;

namespace AgentFactory.Bench;

/// <summary>One timed run of many concurrent HelloSequence5 instances.</summary>
internal sealed record ThroughputRun(int Instances, double WallSeconds, double StartSeconds, long Episodes, long Activities,
    long ReplayedEvents, double CpuSeconds, long AllocatedBytes, long MaxWorkingSet, double P50Ms, double P99Ms, double MaxMs)
{
    public double OrchestrationsPerSecond => Instances / WallSeconds;

    public double ActivitiesPerSecond => Activities / WallSeconds;

    public double EpisodesPerSecond => Episodes / WallSeconds;

    /// <summary>Process CPU time per orchestration: what one instance costs the engine, whatever the core count.</summary>
    public double CpuMsPerOrchestration => CpuSeconds * 1000 / Instances;
}

internal sealed record EpisodesReport(
    int Orchestrations, int Activities, IReadOnlyList<ThroughputRun> Runs, ThroughputRun Median,
    int SequentialCount, double SequentialP50Ms, double SequentialP99Ms, double SequentialActivitiesPerSecond,
    IReadOnlyList<FanOutResult> FanOut, long ProcessPeakWorkingSet);

/// <summary>
/// Episodes and orchestrations per second through the real worker and client (generic host, in-memory
/// backend, default worker options), plus single-instance latency and a 100-wide fan-out / fan-in.
/// </summary>
internal static class EpisodesScenario
{
    private const int Instances = 2_000;
    private const int Repetitions = 9;
    private const int SequentialCount = 100;
    private const int FanOutWidth = 100;
    private const int FanOutRepetitions = 9;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task<EpisodesReport> RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"== episodes: HelloSequence5 × {Instances:N0} started at once, real worker + client, in-memory backend ==");
        using var counters = new EngineCounters();

        // Warm-up: JIT (tiered + PGO) for the worker, backend and client paths; figures discarded.
        await using (BenchHost warm = await BenchHost.StartAsync())
        {
            Console.WriteLine($"  worker options: {warm.Options.MaxConcurrentOrchestrations} orchestration loops, " +
                $"{warm.Options.MaxConcurrentActivities} activity loops (defaults for {Environment.ProcessorCount} cores)");
            for (int i = 0; i < 3; i++)
            {
                await RunConcurrentAsync(warm, "warm" + i, Instances, counters);
            }
        }

        var runs = new List<ThroughputRun>();
        for (int rep = 0; rep < Repetitions; rep++)
        {
            // A fresh host (and store) per repetition, so no run inherits the previous one's instances.
            await using BenchHost host = await BenchHost.StartAsync();
            runs.Add(await RunConcurrentAsync(host, "seq" + rep, Instances, counters));
        }

        ThroughputRun median = MedianRun(runs);
        PrintThroughput(runs, median);

        (double p50, double p99, double activitiesPerSecond) = await RunSequentialAsync();
        FanOutResult[] fanOut =
        [
            await RunFanOutAsync(FanOutWidth, warmUps: 3, FanOutRepetitions, counters),
            await RunFanOutAsync(1_000, warmUps: 2, 5, counters),
            await RunFanOutAsync(10_000, warmUps: 1, 3, counters),
        ];
        PrintFanOut(fanOut);
        long peak;
        using (Process self = Process.GetCurrentProcess())
        {
            peak = self.PeakWorkingSet64;
        }

        Console.WriteLine($"  process peak working set (whole run so far): {Fmt.Mb(peak)}");
        return new EpisodesReport(Instances, Instances * Workloads.Cities.Length, runs, median,
            SequentialCount, p50, p99, activitiesPerSecond, fanOut, peak);
    }

    private static async Task<ThroughputRun> RunConcurrentAsync(BenchHost host, string prefix, int count, EngineCounters counters)
    {
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}")];
        Task<long>[] completions = [.. ids.Select(host.Backend.WhenCompleted)];
        var starts = new long[count];
        Measure.Collect();
        await using var sampler = new WorkingSetSampler();
        var before = counters.Read();
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes();

        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            starts[i] = Stopwatch.GetTimestamp();
            await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.HelloSequence5, null, new StartOrchestrationOptions { InstanceId = ids[i] });
        }

        double startSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        long[] ends = await Task.WhenAll(completions).WaitAsync(Timeout);
        double wall = Stopwatch.GetElapsedTime(t0, ends.Max()).TotalSeconds;

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var after = counters.Read();
        long maxWorkingSet = sampler.MaxBytes;
        double[] latencies = [.. ends.Select((end, i) => Stopwatch.GetElapsedTime(starts[i], end).TotalMilliseconds).Order()];

        // The outcome must be right, or the speed means nothing.
        foreach (string id in ids)
        {
            OrchestrationMetadata? instance = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            List<string>? output = instance?.ReadOutputAs<List<string>>();
            if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || output is not { Count: 5 } || output[4] != "Hello Oslo!")
            {
                throw new InvalidOperationException($"Instance {id} ended {instance?.RuntimeStatus} with output {instance?.SerializedOutput}: {instance?.FailureDetails}");
            }
        }

        return new ThroughputRun(count, wall, startSeconds, after.Episodes - before.Episodes, after.Activities - before.Activities,
            after.ReplayedEvents - before.ReplayedEvents, cpu, allocated, maxWorkingSet,
            Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99), latencies[^1]);
    }

    private static ThroughputRun MedianRun(List<ThroughputRun> runs)
    {
        double Med(Func<ThroughputRun, double> f) => Measure.Median(runs.Select(f));
        ThroughputRun byThroughput = runs.OrderBy(r => r.OrchestrationsPerSecond).ElementAt(runs.Count / 2);
        return byThroughput with
        {
            P50Ms = Med(r => r.P50Ms),
            P99Ms = Med(r => r.P99Ms),
            MaxMs = Med(r => r.MaxMs),
            MaxWorkingSet = (long)Med(r => r.MaxWorkingSet),
        };
    }

    private static void PrintThroughput(List<ThroughputRun> runs, ThroughputRun median)
    {
        var table = new Table("run", "wall s", "orch/s", "activities/s", "episodes/s", "episodes", "p50 ms", "p99 ms", "max ms",
            "CPU ms/orch", "KB alloc/orch", "max WS");
        for (int i = 0; i < runs.Count; i++)
        {
            Row((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), runs[i]);
        }

        Row("median", median);
        table.Print();
        Console.WriteLine($"  episodes counted by the engine's meter (durable.episodes): {Fmt.N(median.Episodes)} for {Fmt.N(median.Instances)} instances " +
            $"= {Fmt.N((double)median.Episodes / median.Instances, 2)} per instance (expected 6: start + one per activity); " +
            $"events replayed: {Fmt.N((double)median.ReplayedEvents / median.Instances, 0)} per instance");
        Console.WriteLine($"  starting all {Fmt.N(median.Instances)} took {Fmt.N(median.StartSeconds * 1000, 0)} ms; latency = start call → final commit, " +
            "so with everything queued at once p50 is mostly waiting in line");

        void Row(string name, ThroughputRun r) => table.Add(name, Fmt.N(r.WallSeconds, 2), Fmt.N(r.OrchestrationsPerSecond), Fmt.N(r.ActivitiesPerSecond),
            Fmt.N(r.EpisodesPerSecond), Fmt.N(r.Episodes), Fmt.N(r.P50Ms), Fmt.N(r.P99Ms), Fmt.N(r.MaxMs), Fmt.N(r.CpuMsPerOrchestration, 2),
            Fmt.N(r.AllocatedBytes / 1024.0 / r.Instances, 1), Fmt.Mb(r.MaxWorkingSet));
    }

    /// <summary>One instance at a time: the latency of an idle engine, and activities/s of a single sequence.</summary>
    private static async Task<(double P50, double P99, double ActivitiesPerSecond)> RunSequentialAsync()
    {
        await using BenchHost host = await BenchHost.StartAsync();
        var latencies = new List<double>(SequentialCount);
        long t0 = 0;
        for (int i = -10; i < SequentialCount; i++)
        {
            if (i == 0)
            {
                t0 = Stopwatch.GetTimestamp();
            }

            string id = "one-" + i;
            Task<long> done = host.Backend.WhenCompleted(id);
            long start = Stopwatch.GetTimestamp();
            await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.HelloSequence5, null, new StartOrchestrationOptions { InstanceId = id });
            long end = await done.WaitAsync(Timeout);
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }

        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double[] sorted = [.. latencies.Order()];
        double p50 = Measure.Percentile(sorted, 50);
        double p99 = Measure.Percentile(sorted, 99);
        double activitiesPerSecond = SequentialCount * Workloads.Cities.Length / wall;
        Console.WriteLine();
        Console.WriteLine($"== HelloSequence5 one at a time × {SequentialCount} (idle engine) ==");
        var table = new Table("figure", "value");
        table.Add("latency p50", Fmt.N(p50, 2) + " ms");
        table.Add("latency p99", Fmt.N(p99, 2) + " ms");
        table.Add("sequential activities/s (one instance)", Fmt.N(activitiesPerSecond));
        table.Print();
        return (p50, p99, activitiesPerSecond);
    }

    /// <summary>
    /// Fan-out / fan-in: one instance calls <paramref name="width"/> activities at once and waits for all
    /// (100 is the scenario; 1,000 and 10,000 show how the cost grows with width).
    /// </summary>
    private static async Task<FanOutResult> RunFanOutAsync(int width, int warmUps, int repetitions, EngineCounters counters)
    {
        await using BenchHost host = await BenchHost.StartAsync();
        var wallMs = new List<double>();
        var episodes = new List<double>();
        var replayed = new List<double>();
        TimeSpan cpu = TimeSpan.Zero;
        using Process process = Process.GetCurrentProcess();
        long expected = Enumerable.Range(0, width).Sum(i => (long)i * i);
        for (int i = -warmUps; i < repetitions; i++)
        {
            string id = $"fan{width}-{i + warmUps}";
            Task<long> done = host.Backend.WhenCompleted(id);
            var before = counters.Read();
            process.Refresh();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.FanOut, width, new StartOrchestrationOptions { InstanceId = id });
            long end = await done.WaitAsync(Timeout);
            process.Refresh();
            TimeSpan cpuRun = process.TotalProcessorTime - cpuBefore;
            var after = counters.Read();
            OrchestrationMetadata? result = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (result?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || result.ReadOutputAs<long>() != expected)
            {
                throw new InvalidOperationException($"Fan-out {id} ended {result?.RuntimeStatus}: {result?.SerializedOutput} {result?.FailureDetails}");
            }

            if (i >= 0)
            {
                wallMs.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                episodes.Add(after.Episodes - before.Episodes);
                replayed.Add(after.ReplayedEvents - before.ReplayedEvents);
                cpu += cpuRun;
            }
        }

        // Process CPU time ticks in 10 ms steps on Linux: below ~50 ms in total the figure means nothing.
        double? cpuMs = cpu.TotalMilliseconds >= 50 ? cpu.TotalMilliseconds / repetitions : null;
        return new FanOutResult(width, repetitions, Measure.Median(wallMs), wallMs.Min(), wallMs.Max(), cpuMs, Measure.Median(episodes), Measure.Median(replayed));
    }

    private static void PrintFanOut(IReadOnlyList<FanOutResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("== fan-out / fan-in: one instance calls N activities at once and awaits Task.WhenAll ==");
        var table = new Table("width", "runs", "wall ms (median)", "min", "max", "CPU ms/run", "activities/s", "episodes", "events replayed");
        foreach (FanOutResult r in results)
        {
            table.Add(Fmt.N(r.Width), Fmt.N(r.Runs), Fmt.N(r.MedianMs, 1), Fmt.N(r.MinMs, 1), Fmt.N(r.MaxMs, 1), r.CpuMs is { } c ? Fmt.N(c, 0) : "—",
                Fmt.N(r.ActivitiesPerSecond), Fmt.N(r.Episodes), Fmt.N(r.ReplayedEvents));
        }

        table.Print();
        Console.WriteLine("  activities/s = width ÷ median wall time; episodes: how many the worker needed (completions that arrive");
        Console.WriteLine("  together are applied in one episode); CPU ms/run: process CPU (all threads), — when below the 10 ms clock's resolution");
    }
}

/// <summary>Wall time of one fan-out / fan-in width (medians over the runs).</summary>
internal sealed record FanOutResult(int Width, int Runs, double MedianMs, double MinMs, double MaxMs, double? CpuMs, double Episodes, double ReplayedEvents)
{
    public double ActivitiesPerSecond => Width / (MedianMs / 1000);
}
