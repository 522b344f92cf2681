using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;

namespace AgentFactory.Durable.Tests.Conformance;

/// <summary>
/// The contract of <see cref="IOrchestrationBackend"/>, checked by calling a backend directly (no worker) and
/// by running the engine over it. A backend passes by subclassing this class. Only the interface is used,
/// and every wait allows 30 s, so that slower, remote backends fit too.
/// </summary>
/// <remarks>Partial: work items here; activities, queries and purges, and end-to-end runs in the sibling files.</remarks>
public abstract partial class BackendConformanceTests : IAsyncLifetime
{
    /// <summary>Upper bound for every wait.</summary>
    protected static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long a probe waits to show that nothing is handed out (it can only pass wrongly, never fail wrongly).</summary>
    protected static readonly TimeSpan NothingWindow = TimeSpan.FromSeconds(2);

    /// <summary>A fixed time with whole seconds, so that stored timestamps compare exactly.</summary>
    protected static readonly DateTime T0 = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly List<IOrchestrationBackend> _backends = [];

    /// <summary>A backend over a fresh, empty task hub.</summary>
    protected abstract Task<IOrchestrationBackend> CreateBackendAsync();

    /// <summary>Removes a task hub made by <see cref="CreateBackendAsync"/> after the test.</summary>
    protected virtual Task DeleteBackendAsync(IOrchestrationBackend backend) => Task.CompletedTask;

    /// <summary>Per-test setup; a subclass that overrides it should call it.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Deletes the test's backends; a subclass that overrides it should call it.</summary>
    public virtual async Task DisposeAsync()
    {
        foreach (IOrchestrationBackend backend in _backends)
        {
            await DeleteBackendAsync(backend);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateInstanceAsync_NewId_StoresPendingInstanceAndQueuesExecutionStarted()
    {
        IOrchestrationBackend backend = await NewBackendAsync();

        (OrchestrationMetadata created, OrchestrationMessage start) = NewInstance("fresh", input: "\"in\"");
        await backend.CreateInstanceAsync(created, start);

        OrchestrationMetadata? stored = await backend.GetInstanceAsync("fresh");
        Assert.NotNull(stored);
        Assert.Equal(("Orch", OrchestrationRuntimeStatus.Pending, created.ExecutionId), (stored.Name, stored.RuntimeStatus, stored.ExecutionId));
        Assert.Equal((T0, "\"in\""), (stored.CreatedAt, stored.SerializedInput));
        OrchestrationWorkItem item = await LockAsync(backend);
        Assert.Equal("fresh", item.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, item.Instance?.RuntimeStatus);
        Assert.Empty(item.History);
        Assert.Equal([start.Event], item.Messages.Select(m => m.Event));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(OrchestrationRuntimeStatus.Pending)]
    [InlineData(OrchestrationRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Suspended)]
    public async Task CreateInstanceAsync_IdOfActiveInstance_ThrowsAlreadyExistsAndKeepsIt(OrchestrationRuntimeStatus status)
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        OrchestrationMetadata first = await CreateAsync(backend, "taken");
        if (status != OrchestrationRuntimeStatus.Pending)
        {
            OrchestrationWorkItem item = await LockAsync(backend);
            await backend.CompleteOrchestrationWorkItemAsync(item, Episode(item, status));
        }

        (OrchestrationMetadata second, OrchestrationMessage start) = NewInstance("taken", name: "Other");
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => backend.CreateInstanceAsync(second, start));

        OrchestrationMetadata? stored = await backend.GetInstanceAsync("taken");
        Assert.Equal(("Orch", first.ExecutionId, status), (stored?.Name, stored?.ExecutionId, stored?.RuntimeStatus));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    public async Task CreateInstanceAsync_IdOfTerminalInstance_ReplacesItWithEmptyHistory(OrchestrationRuntimeStatus status)
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "reused");
        OrchestrationWorkItem first = await LockAsync(backend);
        await backend.CompleteOrchestrationWorkItemAsync(first, Episode(first, status));

        (OrchestrationMetadata again, OrchestrationMessage start) = NewInstance("reused", name: "Second", createdAt: T0.AddMinutes(1));
        await backend.CreateInstanceAsync(again, start);

        OrchestrationMetadata? stored = await backend.GetInstanceAsync("reused");
        Assert.Equal(("Second", again.ExecutionId, OrchestrationRuntimeStatus.Pending), (stored?.Name, stored?.ExecutionId, stored?.RuntimeStatus));
        Assert.Null(stored?.CompletedAt);
        Assert.Empty(await backend.GetHistoryAsync("reused"));
        OrchestrationWorkItem item = await LockAsync(backend);
        Assert.Empty(item.History);
        Assert.Equal([start.Event], item.Messages.Select(m => m.Event));
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextOrchestrationWorkItemAsync_ConcurrentCallers_OnlyOneGetsTheInstance()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "single");

        OrchestrationWorkItem?[] items = await Task.WhenAll(TryLockAsync(backend, NothingWindow), TryLockAsync(backend, NothingWindow));

        OrchestrationWorkItem item = Assert.Single(items.OfType<OrchestrationWorkItem>());
        Assert.Equal("single", item.InstanceId);
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextOrchestrationWorkItemAsync_MessageArrivesWhileLocked_DeliveredInALaterWorkItem()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "busy");
        OrchestrationWorkItem first = await LockAsync(backend);

        HistoryEvent raised = Raised("while-locked");
        await backend.SendMessageAsync(new OrchestrationMessage("busy", raised));
        Assert.Null(await TryLockAsync(backend, NothingWindow));
        await backend.CompleteOrchestrationWorkItemAsync(first, Episode(first, OrchestrationRuntimeStatus.Running));
        OrchestrationWorkItem second = await LockAsync(backend);

        Assert.DoesNotContain(raised, first.Messages.Select(m => m.Event));
        Assert.Equal("busy", second.InstanceId);
        Assert.Equal([raised], second.Messages.Select(m => m.Event));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_TwoEpisodes_AppendsNumberedHistoryAndUpdatesStatus()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "growing");
        OrchestrationWorkItem first = await LockAsync(backend);
        OrchestrationCommit firstCommit = Episode(first, OrchestrationRuntimeStatus.Running);
        await backend.CompleteOrchestrationWorkItemAsync(first, firstCommit);

        Assert.Equal(firstCommit.NewEvents, await backend.GetHistoryAsync("growing"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await backend.GetInstanceAsync("growing"))?.RuntimeStatus);

        await backend.SendMessageAsync(new OrchestrationMessage("growing", Raised("next")));
        OrchestrationWorkItem second = await LockAsync(backend);
        Assert.Equal(firstCommit.NewEvents, second.History);
        OrchestrationCommit secondCommit = Episode(second, OrchestrationRuntimeStatus.Completed, output: "\"done\"");
        await backend.CompleteOrchestrationWorkItemAsync(second, secondCommit);

        IReadOnlyList<HistoryEvent> history = await backend.GetHistoryAsync("growing");
        Assert.Equal([.. firstCommit.NewEvents, .. secondCommit.NewEvents], history);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.EventId));
        OrchestrationMetadata? done = await backend.GetInstanceAsync("growing");
        Assert.Equal((OrchestrationRuntimeStatus.Completed, "\"done\"", T0.AddSeconds(1)), (done?.RuntimeStatus, done?.SerializedOutput, done?.CompletedAt));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_ConsumedMessages_AreNotDeliveredAgain()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "consumer");
        await backend.SendMessageAsync(new OrchestrationMessage("consumer", Raised("early")));
        OrchestrationWorkItem first = await LockAsync(backend);
        Assert.Equal(2, first.Messages.Count);
        await backend.CompleteOrchestrationWorkItemAsync(first, Episode(first, OrchestrationRuntimeStatus.Running));

        Assert.Null(await TryLockAsync(backend, NothingWindow));
        HistoryEvent later = Raised("later");
        await backend.SendMessageAsync(new OrchestrationMessage("consumer", later));
        OrchestrationWorkItem second = await LockAsync(backend);

        Assert.Equal([later], second.Messages.Select(m => m.Event));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_MessageToAnotherInstance_IsDeliveredToIt()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "sender");
        await CreateAsync(backend, "receiver");
        await SettleAsync(backend, new() { ["sender"] = OrchestrationRuntimeStatus.Running, ["receiver"] = OrchestrationRuntimeStatus.Running });

        await backend.SendMessageAsync(new OrchestrationMessage("sender", Raised("go")));
        OrchestrationWorkItem sender = await LockAsync(backend);
        HistoryEvent sent = Raised("hello") with { MessageId = "sender:exec:0" };
        await backend.CompleteOrchestrationWorkItemAsync(sender, Episode(sender, OrchestrationRuntimeStatus.Completed,
            messages: [new OrchestrationMessage("receiver", sent)]));
        OrchestrationWorkItem receiver = await LockAsync(backend);

        Assert.Equal("receiver", receiver.InstanceId);
        Assert.Equal([sent], receiver.Messages.Select(m => m.Event));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_StartMessageForUnknownInstance_CreatesIt()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "parent");
        OrchestrationWorkItem parent = await LockAsync(backend);
        var childStart = new ExecutionStartedEvent("Child", "\"x\"", "child-exec", new ParentInstance("parent", parent.Instance!.ExecutionId, "Orch", 0))
        {
            Timestamp = T0,
        };
        await backend.CompleteOrchestrationWorkItemAsync(parent, Episode(parent, OrchestrationRuntimeStatus.Running,
            messages: [new OrchestrationMessage("child", childStart)]));

        OrchestrationWorkItem child = await LockAsync(backend);
        Assert.Equal("child", child.InstanceId);
        Assert.Empty(child.History);
        Assert.Equal([childStart], child.Messages.Select(m => m.Event));
        OrchestrationMetadata? stored = await backend.GetInstanceAsync("child");
        Assert.Equal(("Child", OrchestrationRuntimeStatus.Pending), (stored?.Name, stored?.RuntimeStatus));
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_DelayedMessages_OnlyVisibleOnesAreDelivered()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "timers");
        OrchestrationWorkItem first = await LockAsync(backend);
        string execution = first.Instance!.ExecutionId;
        DateTime now = DateTime.UtcNow;
        var due = new TimerFiredEvent(0, now.AddMinutes(-1)) { Timestamp = now.AddMinutes(-1) };
        var notYet = new TimerFiredEvent(1, now.AddDays(1)) { Timestamp = now.AddDays(1) };
        await backend.CompleteOrchestrationWorkItemAsync(first, Episode(first, OrchestrationRuntimeStatus.Running, messages:
        [
            new OrchestrationMessage("timers", notYet) { ExecutionId = execution, VisibleAt = notYet.FireAt },
            new OrchestrationMessage("timers", due) { ExecutionId = execution, VisibleAt = due.FireAt },
        ]));

        OrchestrationWorkItem second = await LockAsync(backend);
        Assert.Equal([due], second.Messages.Select(m => m.Event));
        Assert.Equal(execution, second.Messages[0].ExecutionId);
        await backend.CompleteOrchestrationWorkItemAsync(second, Episode(second, OrchestrationRuntimeStatus.Running));
        Assert.Null(await TryLockAsync(backend, NothingWindow));
    }

    [Fact(Timeout = 60_000)]
    public async Task AbandonOrchestrationWorkItemAsync_LockedItem_RedeliversTheSameMessagesInOrder()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "flaky");
        await backend.SendMessageAsync(new OrchestrationMessage("flaky", Raised("one")));
        await backend.SendMessageAsync(new OrchestrationMessage("flaky", Raised("two")));
        OrchestrationWorkItem first = await LockAsync(backend);

        await backend.AbandonOrchestrationWorkItemAsync(first);
        OrchestrationWorkItem second = await LockAsync(backend);

        Assert.Equal(3, first.Messages.Count);
        Assert.IsType<ExecutionStartedEvent>(first.Messages[0].Event);
        Assert.Equal(["one", "two"], first.Messages.Skip(1).Select(m => ((EventRaisedEvent)m.Event).Name));
        Assert.Equal(first.Messages.Select(m => m.Event), second.Messages.Select(m => m.Event));
        Assert.Equal(first.History, second.History);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await backend.GetInstanceAsync("flaky"))?.RuntimeStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteOrchestrationWorkItemAsync_ReplacesHistory_HistoryIsExactlyTheNewEvents()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        await CreateAsync(backend, "cycling");
        OrchestrationWorkItem first = await LockAsync(backend);
        await backend.CompleteOrchestrationWorkItemAsync(first, Episode(first, OrchestrationRuntimeStatus.Running));
        await backend.SendMessageAsync(new OrchestrationMessage("cycling", Raised("again")));
        OrchestrationWorkItem second = await LockAsync(backend);

        var restarted = new ExecutionStartedEvent("Orch", "2", "second-execution") { Timestamp = T0.AddSeconds(5) };
        List<HistoryEvent> fresh = Number(0,
            new OrchestratorStartedEvent { Timestamp = T0.AddSeconds(5) }, restarted, new OrchestratorCompletedEvent { Timestamp = T0.AddSeconds(5) });
        await backend.CompleteOrchestrationWorkItemAsync(second, new OrchestrationCommit
        {
            NewEvents = fresh,
            ReplacesHistory = true,
            Instance = second.Instance! with { ExecutionId = "second-execution", SerializedInput = "2", RuntimeStatus = OrchestrationRuntimeStatus.Running },
        });

        Assert.Equal(fresh, await backend.GetHistoryAsync("cycling"));
        Assert.Equal("second-execution", (await backend.GetInstanceAsync("cycling"))?.ExecutionId);
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextWorkItemAsync_TokenAlreadyCancelled_EndsWithoutWork()
    {
        IOrchestrationBackend backend = await NewBackendAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // Either answer is allowed ("null when the wait ended without work", or OperationCanceledException); waiting
        // forever is not. Called on the thread pool so that a backend spinning synchronously fails the test, not the run.
        Assert.Null(await Task.Run(() => LockOrNullAsync(() => backend.LockNextOrchestrationWorkItemAsync(cancelled.Token))).WaitAsync(WaitLimit));
        Assert.Null(await Task.Run(() => LockOrNullAsync(() => backend.LockNextActivityWorkItemAsync(cancelled.Token))).WaitAsync(WaitLimit));
    }

    [Fact(Timeout = 60_000)]
    public async Task SendMessageAsync_UnknownInstance_ThrowsNotFound()
    {
        IOrchestrationBackend backend = await NewBackendAsync();

        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => backend.SendMessageAsync(new OrchestrationMessage("ghost", Raised("boo"))));
    }

    [Fact(Timeout = 60_000)]
    public async Task GetInstanceAsync_UnknownInstance_NullAndEmptyHistory()
    {
        IOrchestrationBackend backend = await NewBackendAsync();

        Assert.Null(await backend.GetInstanceAsync("ghost"));
        Assert.Empty(await backend.GetHistoryAsync("ghost"));
    }

    /// <summary>A backend for this test, deleted afterwards.</summary>
    protected async Task<IOrchestrationBackend> NewBackendAsync()
    {
        IOrchestrationBackend backend = await CreateBackendAsync();
        _backends.Add(backend);
        return backend;
    }

    /// <summary>A Pending instance record and its start message, as the client makes them.</summary>
    protected static (OrchestrationMetadata Instance, OrchestrationMessage Start) NewInstance(string instanceId, string name = "Orch",
        DateTime? createdAt = null, string? input = null)
    {
        DateTime at = createdAt ?? T0;
        string executionId = Guid.NewGuid().ToString("N");
        var instance = new OrchestrationMetadata(name, instanceId)
        {
            ExecutionId = executionId,
            RuntimeStatus = OrchestrationRuntimeStatus.Pending,
            CreatedAt = at,
            LastUpdatedAt = at,
            SerializedInput = input,
        };
        return (instance, new OrchestrationMessage(instanceId, new ExecutionStartedEvent(name, input, executionId) { Timestamp = at }));
    }

    protected static async Task<OrchestrationMetadata> CreateAsync(IOrchestrationBackend backend, string instanceId, string name = "Orch",
        DateTime? createdAt = null, string? input = null)
    {
        (OrchestrationMetadata instance, OrchestrationMessage start) = NewInstance(instanceId, name, createdAt, input);
        await backend.CreateInstanceAsync(instance, start);
        return instance;
    }

    /// <summary>An event raised by a client (unique message id), dated <see cref="T0"/>.</summary>
    protected static EventRaisedEvent Raised(string name) =>
        new(name, $"\"{name}\"") { Timestamp = T0, MessageId = Guid.NewGuid().ToString("N") };

    /// <summary>
    /// The commit of a plain episode: the delivered events between OrchestratorStarted and OrchestratorCompleted
    /// (plus ExecutionCompleted when terminal), numbered after the history, and the instance in <paramref name="status"/>.
    /// </summary>
    protected static OrchestrationCommit Episode(OrchestrationWorkItem item, OrchestrationRuntimeStatus status, IEnumerable<HistoryEvent>? actions = null,
        IReadOnlyList<ActivityRequest>? activities = null, IReadOnlyList<OrchestrationMessage>? messages = null, string? output = null)
    {
        DateTime at = T0.AddSeconds(item.History.Count == 0 ? 0 : 1);
        var events = new List<HistoryEvent> { new OrchestratorStartedEvent { Timestamp = at } };
        events.AddRange(item.Messages.Select(m => m.Event));
        events.AddRange(actions ?? []);
        if (status.IsTerminal())
        {
            events.Add(new ExecutionCompletedEvent(status, output, null) { Timestamp = at });
        }

        events.Add(new OrchestratorCompletedEvent { Timestamp = at });
        OrchestrationMetadata instance = item.Instance ?? throw new InvalidOperationException($"Work item for '{item.InstanceId}' has no instance record.");
        return new OrchestrationCommit
        {
            NewEvents = Number(item.History.Count, [.. events]),
            Instance = instance with
            {
                RuntimeStatus = status,
                LastUpdatedAt = at,
                CompletedAt = status.IsTerminal() ? at : null,
                SerializedOutput = output,
            },
            ActivityRequests = activities ?? [],
            Messages = messages ?? [],
        };
    }

    protected static List<HistoryEvent> Number(int start, params HistoryEvent[] events) =>
        [.. events.Select((e, i) => e with { EventId = start + i })];

    /// <summary>Locks the next orchestration work item, waiting up to <see cref="WaitLimit"/>.</summary>
    protected static async Task<OrchestrationWorkItem> LockAsync(IOrchestrationBackend backend) =>
        await TryLockAsync(backend, WaitLimit) ?? throw new TimeoutException($"No orchestration work item within {WaitLimit}.");

    /// <summary>The next orchestration work item, or null when none came within <paramref name="wait"/>.</summary>
    protected static async Task<OrchestrationWorkItem?> TryLockAsync(IOrchestrationBackend backend, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        while (!cts.IsCancellationRequested)
        {
            // A backend may end a wait with null before the token fires; ask again until it does.
            if (await LockOrNullAsync(() => backend.LockNextOrchestrationWorkItemAsync(cts.Token)) is { } item)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Locks the next activity work item, waiting up to <see cref="WaitLimit"/>.</summary>
    protected static async Task<ActivityWorkItem> LockActivityAsync(IOrchestrationBackend backend) =>
        await TryLockActivityAsync(backend, WaitLimit) ?? throw new TimeoutException($"No activity work item within {WaitLimit}.");

    /// <summary>The next activity work item, or null when none came within <paramref name="wait"/>.</summary>
    protected static async Task<ActivityWorkItem?> TryLockActivityAsync(IOrchestrationBackend backend, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        while (!cts.IsCancellationRequested)
        {
            if (await LockOrNullAsync(() => backend.LockNextActivityWorkItemAsync(cts.Token)) is { } item)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Calls a lock method; a cancelled wait counts as "no work".</summary>
    private static async Task<T?> LockOrNullAsync<T>(Func<Task<T?>> lockNext) where T : class
    {
        try
        {
            return await lockNext();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Runs one episode for each of the given instances (in whatever order they come), leaving each in its status.</summary>
    protected static async Task SettleAsync(IOrchestrationBackend backend, Dictionary<string, OrchestrationRuntimeStatus> statuses)
    {
        for (int i = 0; i < statuses.Count; i++)
        {
            OrchestrationWorkItem item = await LockAsync(backend);
            await backend.CompleteOrchestrationWorkItemAsync(item, Episode(item, statuses[item.InstanceId]));
        }
    }
}
