using System.Globalization;
using System.Text;
using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;
using AgentFactory.Durable.Replay;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace AgentFactory.Durable.Tests.Replay;

/// <summary>
/// Property: a random orchestration program gives the same output and final custom status whether one
/// worker runs it straight through, or a brand-new worker takes over after every single committed
/// episode. At every such boundary each instance's history is well-formed (no event twice) and replays
/// as deterministic against the current code. Both runs must also return what a plain model of the
/// program says.
/// </summary>
public class InterruptionPropertyTests(ITestOutputHelper output)
{
    private const int SeedCount = 30;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, SeedCount)];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Seeds))]
    public async Task Program_InterruptedAtEveryEpisodeBoundary_SameOutputAndCustomStatusAsStraightRun(int seed)
    {
        ProgramState program = RandomPrograms.Generate(seed);
        (List<string> expectedTrace, ProgramStatus expectedStatus) = RandomPrograms.Expected(program.Steps);

        OrchestrationMetadata straight = await new Scenario(seed, program).RunStraightAsync();
        (OrchestrationMetadata interrupted, int boundaries) = await new Scenario(seed, program).RunInterruptedAsync();

        Assert.True(straight.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"straight run: {straight.RuntimeStatus} {straight.FailureDetails}");
        Assert.True(interrupted.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"interrupted run: {interrupted.RuntimeStatus} {interrupted.FailureDetails}");
        Assert.Equal(straight.SerializedOutput, interrupted.SerializedOutput);
        Assert.Equal(straight.SerializedCustomStatus, interrupted.SerializedCustomStatus);
        Assert.Equal(expectedTrace, interrupted.ReadOutputAs<List<string>>());
        Assert.Equal(expectedStatus, interrupted.ReadCustomStatusAs<ProgramStatus>());
        Assert.True(boundaries >= 2, $"only {boundaries} episode boundaries: the interruption was never exercised");
        output.WriteLine($"seed {seed}: {program.Steps.Count} steps, {boundaries} episode boundaries, output {interrupted.SerializedOutput}");
    }

    [Fact]
    public void Generate_FixedSeeds_CoverEveryStepKind()
    {
        var kinds = new HashSet<Type>();
        bool continuedInSub = false;
        var deliveries = new HashSet<EventDelivery>();
        int carriedOver = 0;
        bool gaveUp = false;
        foreach (int seed in Enumerable.Range(1, SeedCount))
        {
            Visit(RandomPrograms.Generate(seed).Steps, depth: 0);
        }

        Assert.Equal(typeof(Step).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Step))).ToHashSet(), kinds);
        Assert.True(continuedInSub, "no sub-orchestration continues as new");
        Assert.Equal(Enum.GetValues<EventDelivery>().ToHashSet(), deliveries);
        Assert.True(carriedOver >= 3, $"only {carriedOver} program(s) carry an early event over a ContinueAsNew");
        Assert.True(gaveUp, "no retry gives up");

        void Visit(IReadOnlyList<Step> steps, int depth)
        {
            // An event raised early (the test raises it at the first idle moment, so a blocking step must
            // come first), buffered, and still unconsumed when the program continues as new.
            int continueAt = steps.ToList().FindIndex(s => s is ContinueAsNewStep);
            if (continueAt > 0 && steps.Take(continueAt).Any(s => s is TimerStep or SubStep or RetryStep or EventStep) &&
                steps.Skip(continueAt).Any(s => s is EventStep { Delivery: EventDelivery.Early }))
            {
                carriedOver++;
            }

            foreach (Step step in steps)
            {
                kinds.Add(step.GetType());
                continuedInSub |= depth > 0 && step is ContinueAsNewStep;
                if (step is EventStep e)
                {
                    deliveries.Add(e.Delivery);
                }

                gaveUp |= step is RetryStep r && r.Failures >= r.MaxAttempts;
                if (step is SubStep sub)
                {
                    Visit(sub.Steps, depth + 1);
                }
            }
        }
    }

    [Fact]
    public void Generate_SameSeed_SameProgram()
    {
        Assert.Equal(DataConverter.Default.Serialize(RandomPrograms.Generate(7)), DataConverter.Default.Serialize(RandomPrograms.Generate(7)));
        Assert.NotEqual(DataConverter.Default.Serialize(RandomPrograms.Generate(7)), DataConverter.Default.Serialize(RandomPrograms.Generate(8)));
    }

    /// <summary>One run of one program on its own backend and fake clock.</summary>
    private sealed class Scenario
    {
        private static readonly DateTimeOffset Start = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

        // Nothing in a run waits on real time, so a quiet spell this long means the run is stuck.
        private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);
        private const int MaxBoundaries = 500;

        private readonly int _seed;
        private readonly ProgramState _program;
        private readonly string _rootId;
        private readonly FakeTimeProvider _clock = new(Start);
        private readonly InMemoryOrchestrationBackend _backend;
        private readonly DurableTaskClient _client;
        private readonly ChangeSignal _changed = new();
        private readonly RandomPrograms.World _world = new();
        private readonly HashSet<(string InstanceId, string EventName)> _raised = [];
        private readonly Replayer _replayer = new(new DurableTaskRegistry().AddInterpreter(new RandomPrograms.World()));

        public Scenario(int seed, ProgramState program)
        {
            _seed = seed;
            _program = program;
            _rootId = Invariant($"prop-{seed}");
            _backend = new InMemoryOrchestrationBackend(_clock);
            _client = new DurableTaskClient(_backend, timeProvider: _clock);
        }

        /// <summary>One worker, never stopped.</summary>
        public async Task<OrchestrationMetadata> RunStraightAsync()
        {
            var backend = new SteppingBackend(_backend, _changed);
            await using (EngineHost host = await EngineHost.StartAsync(Register, backend, _clock, bare: true))
            {
                await StartRootAsync();
                await DriveAsync(() => false);
            }

            Check(backend.Abandons == 0, $"straight run: {backend.Abandons} work item(s) abandoned");
            return await RootAsync();
        }

        /// <summary>A brand-new worker for every episode: each host commits one episode and is stopped.</summary>
        public async Task<(OrchestrationMetadata Root, int Boundaries)> RunInterruptedAsync()
        {
            await StartRootAsync();
            for (int boundary = 1; ; boundary++)
            {
                var stepping = new SteppingBackend(_backend, _changed, episodes: 1);
                await using (EngineHost host = await EngineHost.StartAsync(Register, stepping, _clock, bare: true))
                {
                    await DriveAsync(() => stepping.Commits > 0);
                }

                Check(stepping.Abandons == 0, $"boundary {boundary}: {stepping.Abandons} work item(s) abandoned");
                Check(stepping.Commits == 1, $"boundary {boundary}: {stepping.Commits} commits by one host that was allowed one episode");
                await CheckBoundaryAsync(boundary);
                OrchestrationMetadata root = await RootAsync();
                if (root.IsCompleted)
                {
                    return (root, boundary);
                }

                Check(boundary < MaxBoundaries, $"still running after {boundary} episodes");
            }
        }

        private void Register(DurableTaskRegistry registry) => registry.AddInterpreter(_world);

        private Task StartRootAsync() => _client.ScheduleNewOrchestrationInstanceAsync(RandomPrograms.Interpreter, _program,
            new StartOrchestrationOptions { InstanceId = _rootId });

        private async Task<OrchestrationMetadata> RootAsync() =>
            await _client.GetInstanceAsync(_rootId, getInputsAndOutputs: true) ?? throw new XunitException($"seed {_seed}: root instance is gone");

        /// <summary>
        /// Waits until <paramref name="done"/> or the root finished. Whenever the whole tree is quiescent
        /// (every running instance waits on a timer or an event, nothing is in flight) it does what a
        /// person would: raises the event an instance waits for, or moves the clock to the next timer.
        /// Both runs take these decisions at the same logical points, so they see the same world.
        /// </summary>
        private async Task DriveAsync(Func<bool> done)
        {
            while (true)
            {
                Task changed = _changed.Next;
                if (done())
                {
                    return;
                }

                Snapshot snapshot = await SnapshotAsync();
                if (snapshot.Root is { Meta.IsCompleted: true })
                {
                    return;
                }

                if (snapshot.IsQuiescent(Now, _raised) && (await SnapshotAsync()).Signature == snapshot.Signature)
                {
                    await ActAsync(snapshot);
                    continue;
                }

                try
                {
                    await changed.WaitAsync(StallTimeout);
                }
                catch (TimeoutException)
                {
                    throw new XunitException($"seed {_seed}: nothing happened for {StallTimeout}.\n{(await SnapshotAsync()).Describe(Now)}");
                }
            }
        }

        private async Task ActAsync(Snapshot snapshot)
        {
            bool raised = false;
            foreach (InstanceView view in snapshot.Running)
            {
                foreach (EventStep e in view.EventsToRaise().Where(e => _raised.Add((view.Id, e.Name))))
                {
                    await _client.RaiseEventAsync(view.Id, e.Name, RandomPrograms.Payload(e.Name));
                    raised = true;
                }
            }

            if (raised)
            {
                return;
            }

            DateTime now = Now;
            List<DateTime> timers = [.. snapshot.Running.SelectMany(v => v.OpenTimers).Select(t => t.FireAt).Where(at => at > now).Order()];
            if (timers.Count > 0)
            {
                DateTime fireAt = timers[0];
                // Off this thread: timer callbacks run inline in SetUtcNow and would run a worker's loop here.
                await Task.Run(() => _clock.SetUtcNow(new DateTimeOffset(fireAt, TimeSpan.Zero)));
                return;
            }

            throw new XunitException($"seed {_seed}: every instance waits, but on nothing the test can provide.\n{snapshot.Describe(now)}");
        }

        private DateTime Now => _clock.GetUtcNow().UtcDateTime;

        private async Task<Snapshot> SnapshotAsync()
        {
            OrchestrationQueryResult all = await _client.QueryInstancesAsync(new OrchestrationQuery
            {
                FetchInputsAndOutputs = true,
                PageSize = OrchestrationQuery.MaxPageSize,
            });
            var views = new List<InstanceView>();
            foreach (OrchestrationMetadata meta in all.Instances.OrderBy(m => m.InstanceId, StringComparer.Ordinal))
            {
                views.Add(new InstanceView(meta, await _client.GetInstanceHistoryAsync(meta.InstanceId)));
            }

            return new Snapshot(_rootId, views);
        }

        /// <summary>After a host stopped: every instance's history is well-formed and replays as deterministic.</summary>
        private async Task CheckBoundaryAsync(int boundary)
        {
            Snapshot snapshot = await SnapshotAsync();
            foreach (InstanceView view in snapshot.Views)
            {
                IReadOnlyList<HistoryEvent> h = view.History;
                string where = $"boundary {boundary}, instance {view.Id} ({view.Meta.RuntimeStatus})";
                if (h.Count == 0)
                {
                    Check(view.Meta.RuntimeStatus == OrchestrationRuntimeStatus.Pending, $"{where}: no history but not Pending");
                    continue;
                }

                Check(h.Select(e => e.EventId).SequenceEqual(Enumerable.Range(0, h.Count)), $"{where}: event ids are not 0..{h.Count - 1}");
                Check(h[0] is OrchestratorStartedEvent && h[1] is ExecutionStartedEvent && h.OfType<ExecutionStartedEvent>().Count() == 1,
                    $"{where}: the history does not begin with OrchestratorStarted, ExecutionStarted (once)");
                Check(h[^1] is OrchestratorCompletedEvent && h.OfType<OrchestratorStartedEvent>().Count() == h.OfType<OrchestratorCompletedEvent>().Count(),
                    $"{where}: episodes are not closed");

                int[] scheduled = [.. h.OfType<TaskScheduledEvent>().Select(e => e.TaskId)];
                int[] timers = [.. h.OfType<TimerCreatedEvent>().Select(e => e.TaskId)];
                int[] subs = [.. h.OfType<SubOrchestrationInstanceCreatedEvent>().Select(e => e.TaskId)];
                int[] actions = [.. scheduled, .. timers, .. subs, .. h.OfType<EventSentEvent>().Select(e => e.TaskId)];
                Check(Unique(scheduled), $"{where}: a TaskScheduled id appears twice");
                Check(Unique(actions), $"{where}: two actions share a task id");
                int[] activityResults = [.. h.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId), .. h.OfType<TaskFailedEvent>().Select(e => e.TaskScheduledId)];
                int[] fired = [.. h.OfType<TimerFiredEvent>().Select(e => e.TimerId)];
                int[] subResults = [.. h.OfType<SubOrchestrationInstanceCompletedEvent>().Select(e => e.TaskScheduledId),
                    .. h.OfType<SubOrchestrationInstanceFailedEvent>().Select(e => e.TaskScheduledId)];
                Check(Unique(activityResults) && activityResults.All(scheduled.Contains), $"{where}: an activity result is duplicated or unmatched");
                Check(Unique(fired) && fired.All(timers.Contains), $"{where}: a TimerFired is duplicated or unmatched");
                Check(Unique(subResults) && subResults.All(subs.Contains), $"{where}: a sub-orchestration result is duplicated or unmatched");
                Check(Unique([.. h.OfType<EventRaisedEvent>().Select(e => e.MessageId)]), $"{where}: an external event was delivered twice");
                if (view.Meta.IsCompleted)
                {
                    Check(h.OfType<ExecutionCompletedEvent>().Count() == 1 && h[^2] is ExecutionCompletedEvent,
                        $"{where}: a finished history must end with one ExecutionCompleted");
                }

                HistoryExport export = await HistoryExport.ExportAsync(_client, view.Id);
                ReplayResult replay = _replayer.Replay(export.ToJson());
                Check(replay.IsDeterministic, $"{where}: replaying the history failed: {replay.Message}");
            }
        }

        private void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new XunitException($"seed {_seed}: {message}");
            }
        }

        private static bool Unique<T>(T[] values) => values.Distinct().Count() == values.Length;
    }

    private sealed record InstanceView(OrchestrationMetadata Meta, IReadOnlyList<HistoryEvent> History)
    {
        public string Id => Meta.InstanceId;

        public ProgramStatus? Status => Meta.ReadCustomStatusAs<ProgramStatus>();

        /// <summary>The program of the current execution (after a ContinueAsNew: the same steps, a later position).</summary>
        public ProgramState? Program => Meta.ReadInputAs<ProgramState>();

        /// <summary>
        /// Events the test delivers now: the one the instance waits for (WhenWaiting), and every Early one
        /// it has not got to yet.
        /// </summary>
        public IEnumerable<EventStep> EventsToRaise()
        {
            if (Status is not { } status || Program is not { } program)
            {
                yield break;
            }

            for (int i = status.Step; i < program.Steps.Count; i++)
            {
                if (program.Steps[i] is EventStep e &&
                    ((i == status.Step && e.Delivery == EventDelivery.WhenWaiting) || e.Delivery == EventDelivery.Early))
                {
                    yield return e;
                }
            }
        }

        /// <summary>
        /// True while an event the test raised is neither in the history (consumed or buffered, possibly
        /// carried over a ContinueAsNew) nor behind the instance: it is still a message in flight.
        /// </summary>
        public bool HasEventInFlight(HashSet<(string InstanceId, string EventName)> raised)
        {
            if (Status is not { } status || Program is not { } program)
            {
                return false;
            }

            for (int i = status.Step; i < program.Steps.Count; i++)
            {
                if (program.Steps[i] is EventStep e && raised.Contains((Id, e.Name)) &&
                    !History.OfType<EventRaisedEvent>().Any(r => string.Equals(r.Name, e.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }

            return false;
        }

        public IEnumerable<int> OpenActivities =>
            History.OfType<TaskScheduledEvent>().Select(e => e.TaskId)
                .Except(History.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId))
                .Except(History.OfType<TaskFailedEvent>().Select(e => e.TaskScheduledId));

        public IEnumerable<TimerCreatedEvent> OpenTimers =>
            History.OfType<TimerCreatedEvent>().Where(t => !History.OfType<TimerFiredEvent>().Any(f => f.TimerId == t.TaskId));

        public IEnumerable<SubOrchestrationInstanceCreatedEvent> OpenSubOrchestrations =>
            History.OfType<SubOrchestrationInstanceCreatedEvent>().Where(s =>
                !History.OfType<SubOrchestrationInstanceCompletedEvent>().Any(c => c.TaskScheduledId == s.TaskId) &&
                !History.OfType<SubOrchestrationInstanceFailedEvent>().Any(f => f.TaskScheduledId == s.TaskId));
    }

    private sealed record Snapshot(string RootId, IReadOnlyList<InstanceView> Views)
    {
        public InstanceView? Root => Views.FirstOrDefault(v => v.Id == RootId);

        public IEnumerable<InstanceView> Running => Views.Where(v => v.Meta.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        /// <summary>Changes whenever any instance moves on.</summary>
        public string Signature => string.Join("|", Views.Select(v =>
            $"{v.Id}:{v.Meta.RuntimeStatus}:{v.Meta.ExecutionId}:{v.Meta.SerializedCustomStatus}:{v.History.Count}"));

        /// <summary>
        /// True when nothing will happen until the test acts: no instance is pending, and every running one
        /// has no activity out, no timer due, no raised event still in flight, and only running children.
        /// </summary>
        public bool IsQuiescent(DateTime now, HashSet<(string InstanceId, string EventName)> raised)
        {
            if (Views.Any(v => v.Meta.RuntimeStatus == OrchestrationRuntimeStatus.Pending))
            {
                return false;
            }

            foreach (InstanceView view in Running)
            {
                bool childrenRunning = view.OpenSubOrchestrations.All(s =>
                    Views.FirstOrDefault(v => v.Id == s.InstanceId)?.Meta.RuntimeStatus == OrchestrationRuntimeStatus.Running);
                if (view.OpenActivities.Any() || view.OpenTimers.Any(t => t.FireAt <= now) || !childrenRunning ||
                    view.Status is null || view.HasEventInFlight(raised))
                {
                    return false;
                }
            }

            return true;
        }

        public string Describe(DateTime now)
        {
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"now {now:o}\n");
            foreach (InstanceView v in Views)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {v.Id} {v.Meta.RuntimeStatus} status={v.Meta.SerializedCustomStatus} events={v.History.Count} ")
                    .Append(CultureInfo.InvariantCulture, $"activities=[{string.Join(',', v.OpenActivities)}] ")
                    .Append(CultureInfo.InvariantCulture, $"timers=[{string.Join(',', v.OpenTimers.Select(t => $"{t.TaskId}@{t.FireAt:o}"))}] ")
                    .Append(CultureInfo.InvariantCulture, $"subs=[{string.Join(',', v.OpenSubOrchestrations.Select(s => s.InstanceId))}]\n");
            }

            return text.ToString();
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
