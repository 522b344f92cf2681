using AgentFactory.Durable;
using AgentFactory.Durable.Execution;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Replay;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Bench;

/// <summary>One history size of the replay scenario.</summary>
internal sealed record ReplayRow(int Target, int Events, int Activities, double ExecutorMicroseconds, double ExecutorMinMicroseconds,
    double ExecutorCpuMicroseconds, double BytesPerReplay, double ReplayerMicroseconds, double SpreadPercent)
{
    public double CpuNanosecondsPerEvent => ExecutorCpuMicroseconds * 1000 / Events;

    public double NanosecondsPerEvent => ExecutorMicroseconds * 1000 / Events;

    public double MinNanosecondsPerEvent => ExecutorMinMicroseconds * 1000 / Events;

    public double ReplayerNanosecondsPerEvent => ReplayerMicroseconds * 1000 / Events;

    public double BytesPerEvent => BytesPerReplay / Events;
}

/// <summary>
/// Replay cost per history event: a finished <see cref="Workloads.Loop"/> history of about 10 / 100 / 1,000 /
/// 10,000 events is replayed in full, many times, by <see cref="OrchestrationExecutor"/> (what every episode
/// does) and by the public <see cref="Replayer"/> (what a deployment check does).
/// </summary>
internal static class ReplayScenario
{
    private const int Repetitions = 9;
    private static readonly int[] TargetSizes = [10, 100, 1_000, 10_000];
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<IReadOnlyList<ReplayRow>> RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine("== replay: full replay of a finished Loop history (n sequential activities, 4 events each) ==");
        await CheckShapeAgainstEngineAsync();

        var registry = new DurableTaskRegistry();
        Workloads.Register(registry);
        var executor = new OrchestrationExecutor(EngineLimits.Default, NullLoggerFactory.Instance);
        var replayer = new Replayer(registry);
        ITaskOrchestrator? Resolve(string name) =>
            registry.TryGetOrchestrator(name, EmptyServices.Instance, out ITaskOrchestrator? orchestrator) ? orchestrator : null;

        // Global warm-up: with tiered compilation and dynamic PGO the replay path needs a second or two of
        // running before its code reaches tier 1; without this the first sizes time partly unoptimized code.
        IReadOnlyList<HistoryEvent> warmHistory = BuildHistory("warm-up", 99);
        var warmExport = new HistoryExport("warm-up", Workloads.Loop, warmHistory);
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(2))
        {
            executor.Execute(warmExport.InstanceId, warmHistory, [], warmHistory[^1].Timestamp, Resolve);
            replayer.Replay(warmExport);
        }

        var cases = new List<(int Target, int Activities, IReadOnlyList<HistoryEvent> History)>();
        var calls = new List<Action>();
        foreach (int target in TargetSizes)
        {
            // 4 events per activity plus 4 for the first and last episodes: 4(n + 1) events; 10 rounds up to 12.
            int activities = (int)Math.Ceiling(target / 4.0) - 1;
            IReadOnlyList<HistoryEvent> history = BuildHistory("replay-" + target, activities);
            var export = new HistoryExport("replay-" + target, Workloads.Loop, history);
            DateTime end = history[^1].Timestamp;
            string expectedSum = ((long)activities * (activities - 1) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);

            // Before timing: the history must be one the real code matches, replayed to the recorded end.
            EpisodeResult check = executor.Execute(export.InstanceId, history, [], end, Resolve)!;
            ReplayResult verdict = replayer.Replay(export);
            if (check.Status != OrchestrationRuntimeStatus.Completed || check.Output != expectedSum || check.NewActions.Count != 0
                || check.ReplayedEvents != history.Count || !verdict.IsDeterministic)
            {
                throw new InvalidOperationException($"The {history.Count}-event history does not replay cleanly: {check.Status} {check.Failure} {verdict.Message}");
            }

            cases.Add((target, activities, history));
            calls.Add(() => executor.Execute(export.InstanceId, history, [], end, Resolve));
            calls.Add(() => replayer.Replay(export));
        }

        IReadOnlyList<IReadOnlyList<Measure.Rep>> reps = Measure.Interleaved(calls, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(150), Repetitions);
        var rows = new List<ReplayRow>();
        for (int i = 0; i < cases.Count; i++)
        {
            IReadOnlyList<Measure.Rep> executorReps = reps[2 * i];
            IReadOnlyList<Measure.Rep> replayerReps = reps[(2 * i) + 1];
            double[] times = [.. executorReps.Select(r => r.MicrosecondsPerCall)];
            rows.Add(new ReplayRow(cases[i].Target, cases[i].History.Count, cases[i].Activities, Measure.Median(times), times.Min(),
                Measure.CpuMicrosecondsPerCall(executorReps),
                Measure.Median(executorReps.Select(r => r.BytesPerCall)),
                Measure.Median(replayerReps.Select(r => r.MicrosecondsPerCall)), Measure.SpreadPercent(times)));
        }

        Print(rows);
        return rows;
    }

    /// <summary>
    /// The history of a finished Loop(n) exactly as the worker writes it (checked against the engine by
    /// <see cref="CheckShapeAgainstEngineAsync"/>): episode 1 is OrchestratorStarted, ExecutionStarted,
    /// TaskScheduled 0, OrchestratorCompleted; episode i is OrchestratorStarted, TaskCompleted i-1,
    /// TaskScheduled i, OrchestratorCompleted; the last one ends with ExecutionCompleted.
    /// </summary>
    public static IReadOnlyList<HistoryEvent> BuildHistory(string instanceId, int activities)
    {
        var events = new List<HistoryEvent>(4 * (activities + 1));
        DateTime time = Epoch;
        string Json(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        void Add(HistoryEvent e) => events.Add(e with { EventId = events.Count, Timestamp = time });

        Add(new OrchestratorStartedEvent());
        Add(new ExecutionStartedEvent(Workloads.Loop, Json(activities), "exec-" + instanceId));
        for (int i = 0; i <= activities; i++)
        {
            if (i > 0)
            {
                time = time.AddMilliseconds(5);
                Add(new OrchestratorStartedEvent());
                Add(new TaskCompletedEvent(i - 1, Json(i - 1)));
            }

            if (i < activities)
            {
                Add(new TaskScheduledEvent(i, Workloads.Echo, Json(i)));
            }
            else
            {
                Add(new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Completed, Json((long)activities * (activities - 1) / 2), null));
            }

            Add(new OrchestratorCompletedEvent());
        }

        return events;
    }

    /// <summary>
    /// Runs Loop(2) and Loop(24) through the real worker and checks that the built histories have exactly the
    /// events the engine writes (timestamps and execution ids aside), so the timed histories are real ones.
    /// </summary>
    private static async Task CheckShapeAgainstEngineAsync()
    {
        await using BenchHost host = await BenchHost.StartAsync();
        foreach (int activities in new[] { 2, 24 })
        {
            string id = "shape-" + activities;
            Task<long> done = host.Backend.WhenCompleted(id);
            await host.Client.ScheduleNewOrchestrationInstanceAsync(Workloads.Loop, activities, new StartOrchestrationOptions { InstanceId = id });
            await done.WaitAsync(TimeSpan.FromSeconds(30));
            IReadOnlyList<HistoryEvent> real = await host.Client.GetInstanceHistoryAsync(id);
            IReadOnlyList<HistoryEvent> built = BuildHistory(id, activities);
            HistoryEvent[] a = [.. real.Select(Normalize)];
            HistoryEvent[] b = [.. built.Select(Normalize)];
            if (!a.SequenceEqual(b))
            {
                int at = a.Zip(b).TakeWhile(p => p.First.Equals(p.Second)).Count();
                throw new InvalidOperationException(
                    $"Built history for Loop({activities}) differs from the engine's at event {at}: engine {a.ElementAtOrDefault(at)}, built {b.ElementAtOrDefault(at)}.");
            }
        }

        Console.WriteLine("  history shape checked against the engine (Loop(2), Loop(24) run by the worker): identical");

        static HistoryEvent Normalize(HistoryEvent e) => e switch
        {
            ExecutionStartedEvent s => s with { ExecutionId = "", Timestamp = default },
            _ => e with { Timestamp = default },
        };
    }

    private static void Print(List<ReplayRow> rows)
    {
        var table = new Table("history", "events", "activities", "µs/replay", "ns/event", "best", "CPU ns/event", "spread", "B/event",
            "Replayer µs", "Replayer ns/event");
        foreach (ReplayRow r in rows)
        {
            table.Add("~" + Fmt.N(r.Target), Fmt.N(r.Events), Fmt.N(r.Activities), Fmt.N(r.ExecutorMicroseconds, 1), Fmt.N(r.NanosecondsPerEvent),
                Fmt.N(r.MinNanosecondsPerEvent), Fmt.N(r.CpuNanosecondsPerEvent), Fmt.Pct(r.SpreadPercent), Fmt.N(r.BytesPerEvent), Fmt.N(r.ReplayerMicroseconds, 1),
                Fmt.N(r.ReplayerNanosecondsPerEvent));
        }

        table.Print();
        Console.WriteLine($"  µs/replay, ns/event: median of {Repetitions} interleaved repetitions (~150 ms each) of OrchestrationExecutor.Execute; " +
            "best = fastest repetition (ns/event); CPU = process CPU time ÷ calls over all repetitions (not inflated by other processes); spread = (max - min) / median");
        ReplayRow small = rows.Single(r => r.Target == 100);
        ReplayRow large = rows.Single(r => r.Target == 10_000);
        Console.WriteLine($"  linearity: ns/event at {Fmt.N(large.Events)} ÷ ns/event at {Fmt.N(small.Events)} = " +
            $"{Fmt.N(Linearity(rows), 2)} (median), {Fmt.N(large.MinNanosecondsPerEvent / small.MinNanosecondsPerEvent, 2)} (best), " +
            $"{Fmt.N(large.CpuNanosecondsPerEvent / small.CpuNanosecondsPerEvent, 2)} (CPU); " +
            "1.00 = linear, well above 1 = cost grows faster than the history");
    }

    /// <summary>ns/event at 10,000 events ÷ ns/event at 100 (medians).</summary>
    public static double Linearity(IReadOnlyList<ReplayRow> rows) =>
        rows.Single(r => r.Target == 10_000).NanosecondsPerEvent / rows.Single(r => r.Target == 100).NanosecondsPerEvent;

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
