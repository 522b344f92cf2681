using System.Diagnostics;
using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;

namespace AgentFactory.Bench;

/// <summary>Storage requests by service (a snapshot or a difference of two).</summary>
internal readonly record struct RequestCounts(long Total, long Tables, long Queues, long Blobs)
{
    public static RequestCounts Of(StorageRequests r) => new(r.Total, r.Tables, r.Queues, r.Blobs);

    public static RequestCounts Of(WorkerStats s) => new(s.Requests, s.Tables, s.Queues, s.Blobs);

    public static RequestCounts operator -(RequestCounts a, RequestCounts b) => new(a.Total - b.Total, a.Tables - b.Tables, a.Queues - b.Queues, a.Blobs - b.Blobs);

    public static RequestCounts operator +(RequestCounts a, RequestCounts b) => new(a.Total + b.Total, a.Tables + b.Tables, a.Queues + b.Queues, a.Blobs + b.Blobs);

    public string Per(double n) => $"{Fmt.N(Total / n, 2)} ({Fmt.N(Tables / n, 2)} / {Fmt.N(Queues / n, 2)} / {Fmt.N(Blobs / n, 2)})";
}

/// <summary>One timed run of many HelloSequence5 instances over storage.</summary>
internal sealed record StorageThroughputRun(string Label, int Processes, int Instances, double WallSeconds, double StartSeconds,
    double P50Ms, double P99Ms, double MaxMs, long Episodes, RequestCounts Worker, RequestCounts Client, double CpuSeconds, double? AzuriteCpuSeconds,
    long MaxWorkingSet, long? ChildPeakWorkingSet, string Problems, IReadOnlyDictionary<string, long> WorkerKinds, IReadOnlyDictionary<string, long> ClientKinds)
{
    /// <summary>The child worker's share of <see cref="CpuSeconds"/> (two-process runs).</summary>
    public double? ChildCpuSeconds { get; init; }

    public double OrchestrationsPerSecond => Instances / WallSeconds;

    public int Activities => Instances * Workloads.Cities.Length;

    public double ActivitiesPerSecond => Activities / WallSeconds;

    public double WorkerRequestsPerActivity => (double)Worker.Total / Activities;
}

/// <summary>Latencies of raise-event round trips: RaiseEventAsync called → the commit that consumed the event landed.</summary>
internal sealed record EventLatency(string Path, int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double RaiseCallP50Ms, double RequestsPerEvent);

internal sealed record FanOutRun(int Width, int Runs, double MedianMs, double MinMs, double MaxMs, double WorkerRequests, double QueueRequests)
{
    public double ActivitiesPerSecond => Width / (MedianMs / 1000);
}

internal sealed record MemoryResult(int Instances, double StartSeconds, double AllRunningSeconds, WorkerStats Baseline, WorkerStats Parked,
    long? AzuriteWorkingSet, int Resumed, double ResumeSeconds);

internal sealed class StorageReport
{
    public CeilingReport? Ceiling { get; set; }

    public List<StorageThroughputRun> OneProcess { get; } = [];

    public StorageThroughputRun? TwoProcesses { get; set; }

    public (double ActivitiesPerSecond, double Seconds, double RequestsPerActivity, int Activities)? Sequential { get; set; }

    public FanOutRun? FanOut { get; set; }

    public List<EventLatency> Events { get; } = [];

    public MemoryResult? Memory { get; set; }

    public long ProcessPeakWorkingSet { get; set; }
}

/// <summary>
/// The engine over Azure Storage (Azurite): HelloSequence5 throughput in one and two processes, storage requests per
/// activity, sequential activities, fan-out / fan-in, raise-event latency, and memory with 10,000 waiting instances.
/// </summary>
internal static class StorageScenario
{
    private const int Instances = 1_000;
    // Tiered JIT and PGO need a few seconds of work: a cold process (run 1, the child) warms up longer.
    private const int ColdWarmUpInstances = 200;
    private const int WarmUpInstances = 50;
    private const int OneProcessRepetitions = 2;
    private static readonly int StartConcurrency = int.TryParse(Environment.GetEnvironmentVariable("AGENTFACTORY_BENCH_START_CONCURRENCY"), out int c) ? c : 32;
    private const int SequentialActivities = 500;
    private const int FanOutWidth = 100;
    private const int FanOutRuns = 7;
    private const int EventRoundTrips = 200;
    private const int IdleEventRoundTrips = 8;
    private const int ParkedInstances = 10_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static void PrintSetup(StorageEnvironment storage)
    {
        AzureStorageOptions defaults = StorageEnvironment.ApplyOverrides(new AzureStorageOptions { ConnectionString = storage.ConnectionString });
        var worker = new Durable.Worker.DurableTaskWorkerOptions();
        Console.WriteLine();
        Console.WriteLine($"storage: {(storage.Started ? "Azurite started by this run (scripts/azurite.sh)" : $"{StorageEnvironment.ConnectionVariable}")} at {storage.Endpoints}" +
            (storage.AzuritePid is { } pid ? $"; Azurite pid {pid} (its CPU time is read from /proc)" : "; Azurite process not found: no storage CPU figures"));
        if (StorageEnvironment.Overrides.Length > 0)
        {
            Console.WriteLine($"EXPERIMENT: backend options overridden by AGENTFACTORY_BENCH_OPTIONS: {StorageEnvironment.Overrides}");
        }

        Console.WriteLine($"engine options: {(StorageEnvironment.Overrides.Length > 0 ? "" : "defaults ")}— {defaults.PartitionCount} partitions, idle polling backs off 10 ms → {defaults.MaxPollingInterval.TotalMilliseconds:N0} ms, " +
            $"{defaults.MaxLocalActivityBacklog} activities queued in-process before the work-item queue, {defaults.MaxCachedInstances:N0} cached instances; " +
            $"worker: {worker.MaxConcurrentOrchestrations} orchestration loops, {worker.MaxConcurrentActivities} activity loops");
    }

    // ---------------------------------------------------------------- throughput

    public static async Task RunThroughputAsync(StorageEnvironment storage, StorageReport report, int processes)
    {
        Console.WriteLine();
        Console.WriteLine(processes == 1
            ? $"== storage: HelloSequence5 × {Instances:N0} started at once, one process (worker + client-only backend), {OneProcessRepetitions} runs, fresh hub each =="
            : $"== storage: HelloSequence5 × {Instances:N0} started at once, two processes (this one: worker + client; child: storage-worker) ==");
        var runs = new List<StorageThroughputRun>();
        using var counters = new EngineCounters();
        int repetitions = processes == 1 ? OneProcessRepetitions : 1;
        for (int rep = 0; rep < repetitions; rep++)
        {
            runs.Add(await ThroughputRunAsync(storage, processes, rep + 1, counters));
        }

        PrintThroughput(runs);
        if (processes == 1)
        {
            report.OneProcess.AddRange(runs);
        }
        else
        {
            report.TwoProcesses = runs[0];
        }
    }

    private static async Task<StorageThroughputRun> ThroughputRunAsync(StorageEnvironment storage, int processes, int rep, EngineCounters counters)
    {
        AzureStorageOptions options = storage.NewHub($"hs{processes}p");
        var board = new CommitBoard();
        var client = new StorageClient(options);
        StorageHost? host = null;
        StorageWorkerProcess? child = null;
        try
        {
            host = await StorageHost.StartAsync(options, board.Record);
            await host.WaitForPartitionsAsync(options.PartitionCount, TimeSpan.FromSeconds(30));
            if (processes == 2)
            {
                var balance = Stopwatch.StartNew();
                child = await StorageWorkerProcess.StartAsync(options, "bench-child", board);
                await child.WaitForPartitionsAsync(options.PartitionCount / 2, TimeSpan.FromSeconds(60));
                await host.WaitForPartitionsAsync(options.PartitionCount / 2, TimeSpan.FromSeconds(60));
                Console.WriteLine($"  child worker pid {child.ProcessId} owns [{string.Join(",", child.Owned)}], this process [{string.Join(",", host.Backend.OwnedPartitions.Order())}] " +
                    $"after {balance.Elapsed.TotalSeconds:N1} s (lease rebalancing)");
            }

            // Warm-up in the same hub: JIT, connection pools, both processes' paths.
            await StartAndAwaitAsync(client.Client, board, "warm", rep == 1 ? ColdWarmUpInstances : WarmUpInstances);

            Measure.Collect();
            await using var sampler = new WorkingSetSampler();
            RequestCounts workerBefore = RequestCounts.Of(host.Backend.Requests);
            RequestCounts clientBefore = RequestCounts.Of(client.Backend.Requests);
            IReadOnlyDictionary<string, long> kindsBefore = host.Kinds.Snapshot(), clientKindsBefore = client.Kinds.Snapshot();
            WorkerStats? childBefore = child is null ? null : await child.StatsAsync();
            var before = counters.Read();
            using Process self = Process.GetCurrentProcess();
            TimeSpan cpuBefore = self.TotalProcessorTime;
            TimeSpan? azuriteBefore = storage.AzuriteCpu();

            (double wall, double startSeconds, double[] latencies) = await StartAndAwaitAsync(client.Client, board, $"run{rep}", Instances);

            self.Refresh();
            double cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
            TimeSpan? azuriteAfter = storage.AzuriteCpu();
            var after = counters.Read();
            RequestCounts worker = RequestCounts.Of(host.Backend.Requests) - workerBefore;
            RequestCounts clientRequests = RequestCounts.Of(client.Backend.Requests) - clientBefore;
            Dictionary<string, long> kinds = StorageRequestKinds.Difference(host.Kinds.Snapshot(), kindsBefore);
            Dictionary<string, long> clientKinds = StorageRequestKinds.Difference(client.Kinds.Snapshot(), clientKindsBefore);
            long? childPeak = null;
            double? childCpu = null;
            if (child is not null)
            {
                WorkerStats childAfter = await child.StatsAsync();
                worker += RequestCounts.Of(childAfter) - RequestCounts.Of(childBefore!);
                childCpu = (childAfter.CpuMs - childBefore!.CpuMs) / 1000;
                cpu += childCpu.Value;
                childPeak = childAfter.PeakWorkingSet;
            }

            long maxWorkingSet = sampler.MaxBytes;
            await VerifyHelloSequenceAsync(client.Client, $"run{rep}", Instances);
            string problems = host.Log.Describe();
            return new StorageThroughputRun(processes == 1 ? rep.ToString(System.Globalization.CultureInfo.InvariantCulture) : "2 proc", processes, Instances, wall, startSeconds,
                Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99), latencies[^1], after.Episodes - before.Episodes, worker, clientRequests, cpu,
                azuriteBefore is { } ab && azuriteAfter is { } aa ? (aa - ab).TotalSeconds : null, maxWorkingSet, childPeak, problems, kinds, clientKinds)
            {
                ChildCpuSeconds = childCpu,
            };
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }

            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await client.Backend.DeleteTaskHubAsync();
            await client.DisposeAsync();
        }
    }

    /// <summary>Starts <paramref name="count"/> HelloSequence5 instances at once and waits for every final commit.</summary>
    private static async Task<(double Wall, double StartSeconds, double[] Latencies)> StartAndAwaitAsync(DurableTaskClient client, CommitBoard board, string prefix, int count)
    {
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D5}")];
        Task<long>[] completions = [.. ids.Select(board.WhenCompleted)];
        var starts = new long[count];
        long t0 = Stopwatch.GetTimestamp();
        await Parallelism.ForEachAsync(Enumerable.Range(0, count), StartConcurrency, async i =>
        {
            starts[i] = Stopwatch.GetTimestamp();
            await client.ScheduleNewOrchestrationInstanceAsync(Workloads.HelloSequence5, null, new StartOrchestrationOptions { InstanceId = ids[i] });
        });
        double startSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        long[] ends = await Task.WhenAll(completions).WaitAsync(Timeout);
        double wall = Stopwatch.GetElapsedTime(t0, ends.Max()).TotalSeconds;
        double[] latencies = [.. ends.Select((end, i) => Stopwatch.GetElapsedTime(starts[i], end).TotalMilliseconds).Order()];
        return (wall, startSeconds, latencies);
    }

    private static async Task VerifyHelloSequenceAsync(DurableTaskClient client, string prefix, int count) =>
        await Parallelism.ForEachAsync(Enumerable.Range(0, count), 16, async i =>
        {
            string id = $"{prefix}-{i:D5}";
            OrchestrationMetadata? instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
            List<string>? output = instance?.ReadOutputAs<List<string>>();
            if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || output is not { Count: 5 } || output[4] != "Hello Oslo!")
            {
                throw new InvalidOperationException($"Instance {id} ended {instance?.RuntimeStatus} with output {instance?.SerializedOutput}: {instance?.FailureDetails}");
            }
        });

    private static void PrintThroughput(List<StorageThroughputRun> runs)
    {
        var table = new Table("run", "wall s", "orch/s", "activities/s", "p50 ms", "p99 ms", "max ms", "worker req/activity (T/Q/B)", "client req/orch",
            "CPU ms/orch", "Azurite CPU ms/orch", "max WS");
        foreach (StorageThroughputRun r in runs)
        {
            table.Add(r.Label, Fmt.N(r.WallSeconds, 2), Fmt.N(r.OrchestrationsPerSecond, 1), Fmt.N(r.ActivitiesPerSecond), Fmt.N(r.P50Ms), Fmt.N(r.P99Ms), Fmt.N(r.MaxMs),
                r.Worker.Per(r.Activities), Fmt.N((double)r.Client.Total / r.Instances, 2), Fmt.N(r.CpuSeconds * 1000 / r.Instances, 2),
                r.AzuriteCpuSeconds is { } a ? Fmt.N(a * 1000 / r.Instances, 2) : "—",
                Fmt.Mb(r.MaxWorkingSet) + (r.ChildPeakWorkingSet is { } c ? $" + child peak {Fmt.Mb(c)}" : ""));
        }

        table.Print();
        StorageThroughputRun first = runs[0];
        Console.WriteLine($"  starting {Fmt.N(first.Instances)} took {Fmt.N(first.StartSeconds, 2)} s ({StartConcurrency} client calls at once; each = status row insert, then index row insert and queue send at once)");
        Console.WriteLine("  wall = first start call → last final commit (the commit's merge answered); latency per instance likewise, so with all queued at once it is mostly waiting in line");
        Console.WriteLine("  worker req/activity: every storage request of the worker backend(s) during the run (commits, loads, queue receives/deletes, index,");
        Console.WriteLine("  lease renewals, idle polls) ÷ activities, by service (tables / queues / blobs); the client's requests (starts) are apart");
        Console.WriteLine("  CPU ms/orch: this process (worker + client)" + (runs.Any(r => r.Processes == 2) ? " + the child worker" : "") + "; Azurite CPU: the emulator process");
        foreach (StorageThroughputRun r in runs.Where(r => r.ChildCpuSeconds is not null))
        {
            Console.WriteLine($"  of which the child worker {Fmt.N(r.ChildCpuSeconds!.Value * 1000 / r.Instances, 2)} ms/orch, this process {Fmt.N((r.CpuSeconds - r.ChildCpuSeconds.Value) * 1000 / r.Instances, 2)} ms/orch; " +
                $"machine CPU over the run: {Fmt.Pct((r.CpuSeconds + (r.AzuriteCpuSeconds ?? 0)) / r.WallSeconds / Environment.ProcessorCount * 100)} of {Environment.ProcessorCount} cores (bench processes + Azurite)");
        }

        if (first.Processes == 1 && first.Episodes > 0)
        {
            Console.WriteLine($"  episodes (engine meter): {Fmt.N((double)first.Episodes / first.Instances, 2)} per instance (6 expected: start + one per activity)");
        }

        if (first.Processes == 1)
        {
            // What the requests are: this process's worker backend, and the client-only backend, per activity and per orchestration.
            var kinds = new Table("request kind (run 1)", "worker per activity", "worker per orch", "client per orch");
            foreach (string kind in first.WorkerKinds.Keys.Union(first.ClientKinds.Keys).OrderByDescending(k => first.WorkerKinds.GetValueOrDefault(k)).ThenBy(k => k))
            {
                long w = first.WorkerKinds.GetValueOrDefault(kind), c = first.ClientKinds.GetValueOrDefault(kind);
                kinds.Add(kind, Fmt.N((double)w / first.Activities, 3), Fmt.N((double)w / first.Instances, 2), Fmt.N((double)c / first.Instances, 2));
            }

            kinds.Add("total", Fmt.N((double)first.Worker.Total / first.Activities, 3), Fmt.N((double)first.Worker.Total / first.Instances, 2),
                Fmt.N((double)first.Client.Total / first.Instances, 2));
            Console.WriteLine();
            kinds.Print();
        }

        foreach (StorageThroughputRun r in runs.Where(r => r.Problems != "none"))
        {
            Console.WriteLine($"  run {r.Label}: backend/worker log: {r.Problems}");
        }
    }

    // ---------------------------------------------------------------- sequential, fan-out, events

    public static async Task RunSingleInstanceScenariosAsync(StorageEnvironment storage, StorageReport report)
    {
        AzureStorageOptions options = storage.NewHub("one");
        var board = new CommitBoard();
        var remote = new StorageClient(options);
        StorageHost? host = null;
        try
        {
            host = await StorageHost.StartAsync(options, board.Record);
            await host.WaitForPartitionsAsync(options.PartitionCount, TimeSpan.FromSeconds(30));
            await SequentialAsync(host, board, report);
            await FanOutAsync(host, board, report);
            await EventsAsync(host, remote, board, report);
            if (host.Log.Describe() is not "none" and var problems)
            {
                Console.WriteLine($"  backend/worker log: {problems}");
            }
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await remote.Backend.DeleteTaskHubAsync();
            await remote.DisposeAsync();
        }
    }

    private static async Task SequentialAsync(StorageHost host, CommitBoard board, StorageReport report)
    {
        Console.WriteLine();
        Console.WriteLine($"== storage: sequential activities, one instance calling {SequentialActivities} activities in a loop (Loop({SequentialActivities})) ==");
        // Warm-up: a short loop.
        await RunLoopAsync(host, board, "loop-warm", 20);
        var table = new Table("run", "activities", "wall s", "activities/s", "worker req/activity");
        var rates = new List<(double Rate, double Seconds, double Requests)>();
        for (int run = 1; run <= 2; run++)
        {
            RequestCounts before = RequestCounts.Of(host.Backend.Requests);
            double seconds = await RunLoopAsync(host, board, $"loop-{run}", SequentialActivities);
            RequestCounts used = RequestCounts.Of(host.Backend.Requests) - before;
            rates.Add((SequentialActivities / seconds, seconds, (double)used.Total / SequentialActivities));
            table.Add(run.ToString(System.Globalization.CultureInfo.InvariantCulture), Fmt.N(SequentialActivities), Fmt.N(seconds, 2),
                Fmt.N(SequentialActivities / seconds), used.Per(SequentialActivities));
        }

        table.Print();
        Console.WriteLine("  wall = start call → final commit; a 500-activity history is ≈ 2,000 events: it spills from the status row into history rows on the way");
        var best = rates.OrderBy(r => r.Rate).First(); // the slower run: conservative
        report.Sequential = (best.Rate, best.Seconds, best.Requests, SequentialActivities);
    }

    private static async Task<double> RunLoopAsync(StorageHost host, CommitBoard board, string id, int n)
    {
        Task<long> done = board.WhenCompleted(id);
        long start = Stopwatch.GetTimestamp();
        await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.Loop, n, new StartOrchestrationOptions { InstanceId = id });
        long end = await done.WaitAsync(Timeout);
        OrchestrationMetadata? result = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        long expected = (long)n * (n - 1) / 2;
        if (result?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || result.ReadOutputAs<long>() != expected)
        {
            throw new InvalidOperationException($"Loop {id} ended {result?.RuntimeStatus}: {result?.SerializedOutput} {result?.FailureDetails}");
        }

        return Stopwatch.GetElapsedTime(start, end).TotalSeconds;
    }

    private static async Task FanOutAsync(StorageHost host, CommitBoard board, StorageReport report)
    {
        Console.WriteLine();
        Console.WriteLine($"== storage: fan-out / fan-in, one instance calls {FanOutWidth} activities at once and awaits Task.WhenAll ==");
        long expected = Enumerable.Range(0, FanOutWidth).Sum(i => (long)i * i);
        var walls = new List<double>();
        var requests = new List<double>();
        var queueRequests = new List<double>();
        var overflow = new List<double>();
        for (int i = -2; i < FanOutRuns; i++)
        {
            string id = $"fan-{i + 2}";
            Task<long> done = board.WhenCompleted(id);
            RequestCounts before = RequestCounts.Of(host.Backend.Requests);
            IReadOnlyDictionary<string, long> kindsBefore = host.Kinds.Snapshot();
            long start = Stopwatch.GetTimestamp();
            await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.FanOut, FanOutWidth, new StartOrchestrationOptions { InstanceId = id });
            long end = await done.WaitAsync(Timeout);
            RequestCounts used = RequestCounts.Of(host.Backend.Requests) - before;
            Dictionary<string, long> kinds = StorageRequestKinds.Difference(host.Kinds.Snapshot(), kindsBefore);
            OrchestrationMetadata? result = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (result?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || result.ReadOutputAs<long>() != expected)
            {
                throw new InvalidOperationException($"Fan-out {id} ended {result?.RuntimeStatus}: {result?.SerializedOutput} {result?.FailureDetails}");
            }

            if (i >= 0)
            {
                walls.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                requests.Add(used.Total);
                queueRequests.Add(used.Queues);
                // The start message is the client's one send; every other send is an activity that overflowed to the work-item queue.
                overflow.Add(kinds.GetValueOrDefault("queue send") - 1);
            }
        }

        var run = new FanOutRun(FanOutWidth, walls.Count, Measure.Median(walls), walls.Min(), walls.Max(), Measure.Median(requests), Measure.Median(queueRequests));
        var table = new Table("width", "runs", "wall ms (median)", "min", "max", "activities/s", "requests/run (median)", "of which queue", "via work-item queue");
        table.Add(Fmt.N(run.Width), Fmt.N(run.Runs), Fmt.N(run.MedianMs), Fmt.N(run.MinMs), Fmt.N(run.MaxMs), Fmt.N(run.ActivitiesPerSecond),
            Fmt.N(run.WorkerRequests), Fmt.N(run.QueueRequests), Fmt.N(Measure.Median(overflow)));
        table.Print();
        Console.WriteLine($"  every run, ms: {string.Join(", ", walls.Select(w => Fmt.N(w)))}");
        Console.WriteLine("  2 warm-up runs first; wall = start call (same-process client) → final commit; requests: the whole backend (client calls included);");
        Console.WriteLine("  via work-item queue: activities beyond the in-process backlog (MaxLocalActivityBacklog) sent to the shared queue");
        report.FanOut = run;
    }

    private static async Task EventsAsync(StorageHost host, StorageClient remote, CommitBoard board, StorageReport report)
    {
        Console.WriteLine();
        Console.WriteLine($"== storage: raise-event → the commit that consumed it, {EventRoundTrips} round trips one after another (EventLoop: WaitForExternalEvent, SetCustomStatus) ==");
        EventLatency local = await EventRoundTripsAsync(host.Client, host, board, "ev-local", "same process as the worker (client on the worker's backend)",
            EventRoundTrips, TimeSpan.Zero);
        EventLatency viaQueue = await EventRoundTripsAsync(remote.Client, host, board, "ev-remote", "client-only backend (the control-queue path, as another process)",
            EventRoundTrips, TimeSpan.Zero);
        EventLatency idle = await EventRoundTripsAsync(remote.Client, host, board, "ev-idle", "client-only backend, each after 1.3–2.8 s idle (polling backed off)",
            IdleEventRoundTrips, TimeSpan.FromSeconds(1.3));
        report.Events.AddRange([local, viaQueue, idle]);
        var table = new Table("client", "events", "p50 ms", "p90 ms", "p99 ms", "max ms", "RaiseEventAsync p50 ms", "worker req/event");
        foreach (EventLatency e in report.Events)
        {
            table.Add(e.Path, Fmt.N(e.Count), Fmt.N(e.P50Ms, 1), Fmt.N(e.P90Ms, 1), Fmt.N(e.P99Ms, 1), Fmt.N(e.MaxMs, 1), Fmt.N(e.RaiseCallP50Ms, 1), Fmt.N(e.RequestsPerEvent, 2));
        }

        table.Print();
        Console.WriteLine("  latency = RaiseEventAsync called → the merge of the episode that consumed the event answered (10 warm-up round trips first);");
        Console.WriteLine("  RaiseEventAsync itself = client status read + backend status read (point GETs) + queue send; then the partition reader receives it,");
        Console.WriteLine("  the episode runs and commits. Same-process sends wake the reader at once; another process's are seen at the reader's next poll.");
    }

    private static async Task<EventLatency> EventRoundTripsAsync(DurableTaskClient client, StorageHost host, CommitBoard board, string id, string path, int count, TimeSpan idle)
    {
        Task<long> running = board.WhenRunning(id);
        await client.ScheduleNewOrchestrationInstanceAsync(StorageWorkloads.EventLoop, 1_000_000, new StartOrchestrationOptions { InstanceId = id });
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        var latencies = new List<double>(count);
        var calls = new List<double>(count);
        var pauses = new Random(12345);
        RequestCounts before = default;
        for (int i = -10; i < count; i++)
        {
            if (i == 0)
            {
                before = RequestCounts.Of(host.Backend.Requests);
            }

            if (idle > TimeSpan.Zero && i >= 0)
            {
                // A random pause (fixed seed), so the event lands at any point of the reader's backed-off polling cycle.
                // (Past 1.27 s idle the reader polls once a second: 10 + 20 + … + 640 ms of back-off, then the 1 s cap.)
                await Task.Delay(idle + TimeSpan.FromSeconds(pauses.NextDouble() * 1.5));
            }

            Task<long> committed = board.WhenNextEvent(id);
            long start = Stopwatch.GetTimestamp();
            await client.RaiseEventAsync(id, StorageWorkloads.Next, i);
            double call = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            long end = await committed.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                calls.Add(call);
            }
        }

        RequestCounts used = RequestCounts.Of(host.Backend.Requests) - before;
        OrchestrationMetadata? state = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
        if (state?.ReadCustomStatusAs<int>() != count - 1)
        {
            throw new InvalidOperationException($"EventLoop {id}: custom status {state?.SerializedCustomStatus}, expected {count - 1}.");
        }

        double[] sorted = [.. latencies.Order()];
        // The worker backend's requests per event: for the remote path the client's requests are on the other backend.
        return new EventLatency(path, count, Measure.Percentile(sorted, 50), Measure.Percentile(sorted, 90), Measure.Percentile(sorted, 99), sorted[^1],
            Measure.Median(calls), (double)used.Total / count);
    }

    // ---------------------------------------------------------------- memory

    public static async Task RunMemoryAsync(StorageEnvironment storage, StorageReport report)
    {
        Console.WriteLine();
        Console.WriteLine($"== storage: memory of a worker process with {ParkedInstances:N0} orchestrations waiting for an event ==");
        AzureStorageOptions options = storage.NewHub("mem");
        var board = new CommitBoard();
        var client = new StorageClient(options);
        StorageWorkerProcess? worker = null;
        try
        {
            await client.Backend.CreateIfNotExistsAsync();
            worker = await StorageWorkerProcess.StartAsync(options, "bench-mem", board);
            await worker.WaitForPartitionsAsync(options.PartitionCount, TimeSpan.FromSeconds(30));
            WorkerStats baseline = await worker.StatsAsync(collect: true);
            TimeSpan? azuriteBefore = storage.AzuriteCpu();
            long t0 = Stopwatch.GetTimestamp();
            await Parallelism.ForEachAsync(Enumerable.Range(0, ParkedInstances), StartConcurrency, i =>
                client.Client.ScheduleNewOrchestrationInstanceAsync(StorageWorkloads.Waiter, null, new StartOrchestrationOptions { InstanceId = $"park-{i:D5}" }));
            double startSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var clock = Stopwatch.StartNew();
            while (board.RunningCount < ParkedInstances)
            {
                if (clock.Elapsed > Timeout)
                {
                    throw new TimeoutException($"Only {board.RunningCount:N0} of {ParkedInstances:N0} instances are running after {Timeout.TotalMinutes} min. {worker.Errors()}");
                }

                await Task.Delay(100);
            }

            double allRunning = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            TimeSpan? azuriteAfter = storage.AzuriteCpu();
            WorkerStats parked = await worker.StatsAsync(collect: true);
            long? azurite = storage.AzuriteWorkingSet();

            // They must still work: wake 100 of them (most were evicted from the cache) and check they finish.
            const int resume = 100;
            string[] ids = [.. Enumerable.Range(0, resume).Select(i => $"park-{i * (ParkedInstances / resume):D5}")];
            Task<long>[] done = [.. ids.Select(board.WhenCompleted)];
            long r0 = Stopwatch.GetTimestamp();
            await Parallelism.ForEachAsync(ids, 16, id => client.Client.RaiseEventAsync(id, StorageWorkloads.Next, 7));
            await Task.WhenAll(done).WaitAsync(TimeSpan.FromSeconds(60));
            double resumeSeconds = Stopwatch.GetElapsedTime(r0).TotalSeconds;
            foreach (string id in ids.Take(10))
            {
                OrchestrationMetadata? m = await client.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                if (m?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || m.ReadOutputAs<int>() != 7)
                {
                    throw new InvalidOperationException($"Parked instance {id} ended {m?.RuntimeStatus} with {m?.SerializedOutput}.");
                }
            }

            report.Memory = new MemoryResult(ParkedInstances, startSeconds, allRunning, baseline, parked, azurite, resume, resumeSeconds);
            var table = new Table("worker process", "working set", "GC heap", "peak working set", "cached instances", "log");
            table.Add("started, partitions owned (after GC)", Fmt.Mb(baseline.WorkingSet), Fmt.Mb(baseline.GcHeap), Fmt.Mb(baseline.PeakWorkingSet),
                Fmt.N(baseline.CachedInstances), "");
            table.Add($"{ParkedInstances:N0} waiting (after GC)", Fmt.Mb(parked.WorkingSet), Fmt.Mb(parked.GcHeap), Fmt.Mb(parked.PeakWorkingSet),
                Fmt.N(parked.CachedInstances), $"{parked.Warnings} warnings, {parked.Errors} errors");
            table.Print();
            Console.WriteLine($"  started {ParkedInstances:N0} in {Fmt.N(startSeconds, 1)} s ({StartConcurrency} client calls at once, client in this process), " +
                $"all Running (first episode committed) {Fmt.N(allRunning, 1)} s after the first start: {Fmt.N(ParkedInstances / allRunning)} instances/s" +
                (azuriteBefore is { } ab && azuriteAfter is { } aa ? $" (Azurite busy {Fmt.Pct((aa - ab).TotalSeconds / allRunning * 100)} of a core meanwhile;" +
                    " its table operations slow down as tables grow, ≈ 5–7× from 200 to 10,000 rows)" : ""));
            Console.WriteLine($"  worker: {Fmt.N((parked.WorkingSet - baseline.WorkingSet) / 1024.0 / ParkedInstances, 1)} KB working set and " +
                $"{Fmt.N((parked.GcHeap - baseline.GcHeap) / 1024.0 / ParkedInstances, 1)} KB GC heap per waiting instance (after GC); " +
                $"the cache keeps at most {new AzureStorageOptions().MaxCachedInstances:N0} (+10 %) instances");
            Console.WriteLine($"  then {resume} of them got their event (most had been evicted from the cache): all completed, in {Fmt.N(resumeSeconds, 2)} s" +
                (azurite is { } a ? $"; Azurite's own resident memory now {Fmt.Mb(a)}" : ""));
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }

            await client.Backend.DeleteTaskHubAsync();
            await client.DisposeAsync();
        }
    }
}
