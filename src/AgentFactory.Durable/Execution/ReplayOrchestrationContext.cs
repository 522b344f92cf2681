using System.Security.Cryptography;
using System.Text;
using AgentFactory.Durable.History;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.Execution;

/// <summary>
/// The context an orchestrator runs against during one episode. Its public methods record actions;
/// <see cref="OrchestrationExecutor"/> feeds it history events (see the partial file Events).
/// </summary>
/// <remarks>
/// Completion sources run their continuations inline on the replay thread (no
/// RunContinuationsAsynchronously): with that flag, Task.WhenAll's internal continuations would hop
/// to the thread pool and the orchestrator would resume off its thread.
/// </remarks>
internal sealed partial class ReplayOrchestrationContext : TaskOrchestrationContext
{
    private readonly EngineLimits _limits;
    private readonly ILoggerFactory _loggerFactory;
    private readonly OrchestrationSynchronizationContext _syncContext;
    private readonly SortedDictionary<int, OrchestratorAction> _pendingActions = [];
    private readonly Dictionary<int, OpenTask> _openTasks = [];
    private readonly Dictionary<string, List<TaskCompletionSource<string?>>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<EventRaisedEvent> _bufferedEvents = [];
    private int _nextTaskId;
    private int _guidCounter;
    private DateTime _currentUtc;

    public ReplayOrchestrationContext(ExecutionStartedEvent started, string instanceId, EngineLimits limits,
        ILoggerFactory loggerFactory, OrchestrationSynchronizationContext syncContext)
    {
        Started = started;
        InstanceId = instanceId;
        _limits = limits;
        _loggerFactory = loggerFactory;
        _syncContext = syncContext;
    }

    public ExecutionStartedEvent Started { get; }

    public override string Name => Started.Name;

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => _currentUtc;

    public override bool IsReplaying => Replaying;

    internal bool Replaying { get; set; }

    internal string? SerializedCustomStatus { get; private set; }

    internal bool CustomStatusChanged { get; private set; }

    internal (string? Input, bool PreserveEvents)? ContinueAsNewRequest { get; private set; }

    protected override ILoggerFactory LoggerFactory => _loggerFactory;

    private DataConverter Converter => _limits.DataConverter;

    public override T? GetInput<T>() where T : default => Converter.Deserialize<T>(Started.Input);

    public override Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string? serialized = SerializePayload(input, $"input of activity '{name}'");
        return options?.Retry is { } retry
            ? WithRetry(() => ScheduleActivity<TResult>(name, serialized), retry)
            : ScheduleActivity<TResult>(name, serialized);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        string? serialized = SerializePayload(input, $"input of sub-orchestration '{orchestratorName}'");
        string? explicitId = (options as SubOrchestrationOptions)?.InstanceId;
        return options?.Retry is { } retry
            ? WithRetry(() => ScheduleSubOrchestration<TResult>(orchestratorName, serialized, explicitId), retry)
            : ScheduleSubOrchestration<TResult>(orchestratorName, serialized, explicitId);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        CheckThread();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        fireAt = DateTime.SpecifyKind(fireAt.ToUniversalTime(), DateTimeKind.Utc);
        int id = AddAction(taskId => new CreateTimerAction(taskId, fireAt));
        var tcs = new TaskCompletionSource<string?>();
        _openTasks[id] = new OpenTask(tcs, "timer", IsTimer: true);
        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled timer no longer keeps the orchestration waiting; its TimerFired is ignored later.
            cancellationToken.Register(() =>
            {
                if (tcs.TrySetCanceled(cancellationToken))
                {
                    _openTasks.Remove(id);
                }
            });
        }

        return tcs.Task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        CheckThread();
        cancellationToken.ThrowIfCancellationRequested();
        var tcs = new TaskCompletionSource<string?>();
        int buffered = _bufferedEvents.FindIndex(e => string.Equals(e.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (buffered >= 0)
        {
            tcs.SetResult(_bufferedEvents[buffered].Input);
            _bufferedEvents.RemoveAt(buffered);
        }
        else
        {
            if (!_eventWaiters.TryGetValue(eventName, out var waiters))
            {
                _eventWaiters[eventName] = waiters = [];
            }

            waiters.Add(tcs);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() =>
                {
                    if (tcs.TrySetCanceled(cancellationToken))
                    {
                        waiters.Remove(tcs);
                    }
                });
            }
        }

        string? raw = await tcs.Task;
        return Converter.Deserialize<T>(raw)!;
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        CheckThread();
        string? serialized = SerializePayload(payload, $"payload of event '{eventName}'");
        AddAction(taskId => new SendEventAction(taskId, instanceId, eventName, serialized));
    }

    public override void SetCustomStatus(object? customStatus)
    {
        CheckThread();
        string? serialized = Converter.Serialize(customStatus);
        int size = serialized is null ? 0 : Encoding.UTF8.GetByteCount(serialized);
        if (size > _limits.MaxCustomStatusBytes)
        {
            throw new PayloadTooLargeException(
                $"Custom status is {size:N0} bytes when serialized; the limit is {_limits.MaxCustomStatusBytes:N0} bytes. Keep large data in activity outputs or storage.");
        }

        CustomStatusChanged |= serialized != SerializedCustomStatus;
        SerializedCustomStatus = serialized;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        CheckThread();
        ContinueAsNewRequest = (SerializePayload(newInput, "input of ContinueAsNew"), preserveUnprocessedEvents);
    }

    public override Guid NewGuid()
    {
        CheckThread();
        // Name-based (RFC 4122 version 5) from values that are identical on every replay.
        // The execution id keeps executions after ContinueAsNew (same instance, maybe the same episode time) apart.
        string name = $"{InstanceId}_{Started.ExecutionId}_{_currentUtc:o}_{_guidCounter++}";
        byte[] hash = SHA1.HashData(Encoding.UTF8.GetBytes(name));
        Span<byte> bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private async Task<TResult> ScheduleActivity<TResult>(string name, string? input)
    {
        CheckThread();
        int id = AddAction(taskId => new ScheduleTaskAction(taskId, name, input));
        var tcs = new TaskCompletionSource<string?>();
        _openTasks[id] = new OpenTask(tcs, name, IsTimer: false);
        string? raw = await tcs.Task;
        return Converter.Deserialize<TResult>(raw)!;
    }

    private async Task<TResult> ScheduleSubOrchestration<TResult>(string name, string? input, string? explicitId)
    {
        CheckThread();
        string childId = explicitId ?? NewGuid().ToString("N");
        int id = AddAction(taskId => new CreateSubOrchestrationAction(taskId, name, childId, input));
        var tcs = new TaskCompletionSource<string?>();
        _openTasks[id] = new OpenTask(tcs, name, IsTimer: false);
        string? raw = await tcs.Task;
        return Converter.Deserialize<TResult>(raw)!;
    }

    private async Task<TResult> WithRetry<TResult>(Func<Task<TResult>> attempt, RetryPolicy policy)
    {
        DateTime firstAttempt = CurrentUtcDateTime;
        for (int number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failure) when (number < policy.MaxNumberOfAttempts && (policy.Handle?.Invoke(failure) ?? true))
            {
                TimeSpan delay = policy.GetDelay(number);
                if (policy.RetryTimeout != Timeout.InfiniteTimeSpan && CurrentUtcDateTime + delay - firstAttempt > policy.RetryTimeout)
                {
                    throw;
                }

                await CreateTimer(delay, CancellationToken.None);
            }
        }
    }

    private int AddAction(Func<int, OrchestratorAction> create)
    {
        if (ContinueAsNewRequest is not null)
        {
            throw new InvalidOperationException("No durable action may follow ContinueAsNew; return from the orchestrator instead.");
        }

        int id = _nextTaskId++;
        _pendingActions.Add(id, create(id));
        return id;
    }

    private string? SerializePayload(object? value, string what)
    {
        CheckThread();
        string? serialized = Converter.Serialize(value);
        _limits.EnsurePayloadFits(serialized, what);
        return serialized;
    }

    private void CheckThread()
    {
        if (Environment.CurrentManagedThreadId != _syncContext.ThreadId || SynchronizationContext.Current != _syncContext)
        {
            throw new NonDurableAwaitException(
                $"Orchestrator '{Name}' called the orchestration context from outside its thread. Orchestrator code must not use " +
                "ConfigureAwait(false), Task.Run or other threads: await only the context's tasks.");
        }
    }

    private sealed record OpenTask(TaskCompletionSource<string?> Source, string Name, bool IsTimer);
}
