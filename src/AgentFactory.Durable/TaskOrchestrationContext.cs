using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable;

/// <summary>
/// What an orchestrator sees of the world. Every method is deterministic under replay: the same
/// history gives the same results, so an orchestrator must reach the outside world only through it.
/// </summary>
/// <remarks>
/// Orchestrator code runs on one logical thread. Awaiting anything that is not a task from this
/// context (<c>Task.Delay</c>, <c>Task.Run</c>, I/O) or using <c>ConfigureAwait(false)</c> fails the
/// orchestration with <see cref="NonDurableAwaitException"/>.
/// </remarks>
public abstract class TaskOrchestrationContext
{
    /// <summary>Name of the orchestrator.</summary>
    public abstract string Name { get; }

    /// <summary>Id of this orchestration instance.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The current time as recorded in history (the start of the current episode), never the wall clock.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code is re-running past events of the history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>The orchestration's input, deserialized as <typeparamref name="T"/>.</summary>
    public abstract T? GetInput<T>();

    /// <summary>Schedules the activity <paramref name="name"/> and returns its result.</summary>
    /// <exception cref="TaskFailedException">The activity failed (after all retries).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallActivityAsync{TResult}(string, object?, TaskOptions?)"/>
    public virtual Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts the orchestrator <paramref name="orchestratorName"/> as a child and returns its output.</summary>
    /// <exception cref="TaskFailedException">The sub-orchestration failed or was terminated.</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration with an explicit instance id.</summary>
    public virtual Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input, string? instanceId, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<TResult>(orchestratorName, input, new SubOrchestrationOptions { InstanceId = instanceId, Retry = options?.Retry });

    /// <inheritdoc cref="CallSubOrchestratorAsync{TResult}(string, object?, TaskOptions?)"/>
    public virtual Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>A durable timer that fires at <paramref name="fireAt"/> (UTC). Cancelling it completes the task as cancelled.</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer that fires after <paramref name="delay"/>.</summary>
    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an external event. Names are case-insensitive; an event that arrived before the wait
    /// is buffered and completes the wait at once. Several waits on one name complete in order.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event for at most <paramref name="timeout"/> (a durable timer).</summary>
    /// <exception cref="TaskCanceledException">The timeout expired first; the message names the event.</exception>
    public virtual async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var eventCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task timer = CreateTimer(timeout, timerCts.Token);
        Task<T> externalEvent = WaitForExternalEvent<T>(eventName, eventCts.Token);
        Task winner = await Task.WhenAny(externalEvent, timer);
        // Cancel synchronously: the callbacks must run on the orchestrator thread, not the thread pool.
#pragma warning disable CA1849
        if (winner == externalEvent)
        {
            timerCts.Cancel();
            return await externalEvent;
        }

        eventCts.Cancel();
#pragma warning restore CA1849
        cancellationToken.ThrowIfCancellationRequested();
        throw new TaskCanceledException($"Timed out after {timeout} waiting for external event '{eventName}'.");
    }

    /// <summary>Sends an event to another orchestration instance (fire and forget, exactly once).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Sets the status that clients read; it must serialize to at most the configured size.</summary>
    /// <exception cref="PayloadTooLargeException">The serialized status is too large.</exception>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Ends this execution and starts a new one with <paramref name="newInput"/> and an empty history.
    /// Events that arrived but were not consumed are carried over when <paramref name="preserveUnprocessedEvents"/>.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A new GUID that is the same on every replay.</summary>
    public abstract Guid NewGuid();

    /// <summary>The logger factory the replay-safe loggers wrap.</summary>
    protected abstract ILoggerFactory LoggerFactory { get; }

    /// <summary>A logger that writes only when the code is not replaying, so each message appears once.</summary>
    public virtual ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    public virtual ILogger CreateReplaySafeLogger(Type type) => CreateReplaySafeLogger(type.FullName ?? type.Name);

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));

    private sealed class ReplaySafeLogger(TaskOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
