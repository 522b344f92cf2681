using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using System.Diagnostics.CodeAnalysis;
using Azure;

namespace AgentFactory.Durable;

/// <summary>Starts, inspects and manages orchestration instances.</summary>
/// <remarks>Methods are virtual so that callers can substitute the client at their seams.</remarks>
public class DurableTaskClient
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(250);
    private readonly IOrchestrationBackend _backend;
    private readonly EngineLimits _limits;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over <paramref name="backend"/>.</summary>
    public DurableTaskClient(IOrchestrationBackend backend, EngineLimits? limits = null, TimeProvider? timeProvider = null)
    {
        _backend = backend;
        _limits = limits ?? EngineLimits.Default;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>For mocking.</summary>
    protected DurableTaskClient()
    {
        _backend = null!;
        _limits = EngineLimits.Default;
        _time = TimeProvider.System;
    }

    /// <summary>Schedules a new instance of <paramref name="orchestratorName"/> and returns its instance id.</summary>
    /// <exception cref="OrchestrationAlreadyExistsException">The id belongs to an instance that is still Pending, Running or Suspended.</exception>
    /// <exception cref="PayloadTooLargeException">The input is too large.</exception>
    public virtual async Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        string? serialized = _limits.DataConverter.Serialize(input);
        _limits.EnsurePayloadFits(serialized, $"input of orchestrator '{orchestratorName}'");
        return await ScheduleAsync(orchestratorName, serialized, options, cancellationToken);
    }

    private async Task<string> ScheduleAsync(string orchestratorName, string? serialized, StartOrchestrationOptions? options,
        CancellationToken cancellationToken)
    {
        string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        DateTime now = _time.GetUtcNow().UtcDateTime;
        DateTime? startAt = options?.StartAt?.UtcDateTime;
        var started = new ExecutionStartedEvent(orchestratorName, serialized, Guid.NewGuid().ToString("N"), Tags: options?.Tags,
            ScheduledStartTime: startAt) { Timestamp = now };
        var instance = new OrchestrationMetadata(orchestratorName, instanceId)
        {
            ExecutionId = started.ExecutionId,
            RuntimeStatus = OrchestrationRuntimeStatus.Pending,
            CreatedAt = now,
            LastUpdatedAt = now,
            SerializedInput = serialized,
            Tags = options?.Tags,
        };
        await _backend.CreateInstanceAsync(instance, new OrchestrationMessage(instanceId, started) { VisibleAt = startAt }, cancellationToken);
        return instanceId;
    }

    /// <summary>The instance's status record, or null. Without <paramref name="getInputsAndOutputs"/> the payloads are left out.</summary>
    public virtual async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata? instance = await _backend.GetInstanceAsync(instanceId, cancellationToken);
        return getInputsAndOutputs ? instance : instance?.WithoutPayloads();
    }

    /// <summary>The full history of the instance's current execution (empty when unknown).</summary>
    public virtual Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        _backend.GetHistoryAsync(instanceId, cancellationToken);

    /// <summary>One page of instances matching <paramref name="query"/>.</summary>
    public virtual Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        return _backend.QueryInstancesAsync(query, cancellationToken);
    }

    /// <summary>All instances matching <paramref name="filter"/>, page by page.</summary>
    public virtual AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        new QueryPageable(this, filter ?? new OrchestrationQuery());

    /// <summary>Sends the event <paramref name="eventName"/> to the instance.</summary>
    /// <exception cref="OrchestrationNotFoundException">No such instance.</exception>
    /// <exception cref="OrchestrationStateException">The instance has finished and can receive no events.</exception>
    public virtual async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        string? serialized = _limits.DataConverter.Serialize(eventPayload);
        _limits.EnsurePayloadFits(serialized, $"payload of event '{eventName}'");
        await SendToRunningAsync(instanceId, new EventRaisedEvent(eventName, serialized) { MessageId = Guid.NewGuid().ToString("N") },
            $"raise event '{eventName}'", cancellationToken);
    }

    /// <summary>Terminates the instance; <paramref name="output"/> becomes its output.</summary>
    public virtual async Task TerminateInstanceAsync(string instanceId, string? reason = null, object? output = null, CancellationToken cancellationToken = default)
    {
        string? serialized = _limits.DataConverter.Serialize(output);
        _limits.EnsurePayloadFits(serialized, "termination output");
        await SendToRunningAsync(instanceId, new ExecutionTerminatedEvent(reason, serialized), "terminate", cancellationToken);
    }

    /// <summary>Suspends the instance: it keeps receiving events but does not run until resumed.</summary>
    public virtual Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendToRunningAsync(instanceId, new ExecutionSuspendedEvent(reason), "suspend", cancellationToken);

    /// <summary>Resumes a suspended instance; held events are delivered in order.</summary>
    public virtual Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendToRunningAsync(instanceId, new ExecutionResumedEvent(reason), "resume", cancellationToken);

    /// <summary>Starts the instance again with its original input, under the same id or a new one. Returns the id.</summary>
    /// <exception cref="OrchestrationNotFoundException">No such instance.</exception>
    /// <exception cref="OrchestrationAlreadyExistsException">Same id requested while the instance is still running.</exception>
    public virtual async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellationToken = default)
    {
        OrchestrationMetadata instance = await _backend.GetInstanceAsync(instanceId, cancellationToken)
            ?? throw new OrchestrationNotFoundException($"No orchestration with instance id '{instanceId}' exists.");
        string? input = (await _backend.GetHistoryAsync(instanceId, cancellationToken)).OfType<ExecutionStartedEvent>().FirstOrDefault()?.Input
            ?? instance.SerializedInput;
        var options = new StartOrchestrationOptions { InstanceId = restartWithNewInstanceId ? null : instanceId, Tags = instance.Tags };
        return await ScheduleAsync(instance.Name, input, options, cancellationToken);
    }

    /// <summary>Deletes a finished instance and its history.</summary>
    /// <exception cref="OrchestrationStateException">The instance is still running.</exception>
    public virtual async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        new(await _backend.PurgeInstanceAsync(instanceId, cancellationToken) ? 1 : 0);

    /// <summary>Deletes every finished instance that matches <paramref name="filter"/>.</summary>
    public virtual async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default) =>
        new(await _backend.PurgeInstancesAsync(filter, cancellationToken));

    /// <summary>Waits until the instance has started (left Pending).</summary>
    public virtual Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, s => s.RuntimeStatus != OrchestrationRuntimeStatus.Pending, getInputsAndOutputs, cancellationToken);

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    public virtual Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, s => s.IsCompleted, getInputsAndOutputs, cancellationToken);

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<OrchestrationMetadata, bool> done, bool payloads,
        CancellationToken cancellationToken)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            OrchestrationMetadata? instance = await GetInstanceAsync(instanceId, payloads, cancellationToken);
            if (instance is not null && done(instance))
            {
                return instance;
            }

            // Polling with a short, growing interval; a status read is one cheap point read.
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollInterval.Ticks));
        }
    }

    private async Task SendToRunningAsync(string instanceId, HistoryEvent e, string what, CancellationToken cancellationToken)
    {
        OrchestrationMetadata instance = await _backend.GetInstanceAsync(instanceId, cancellationToken)
            ?? throw new OrchestrationNotFoundException($"Cannot {what}: no orchestration with instance id '{instanceId}' exists.");
        if (instance.IsCompleted)
        {
            throw new OrchestrationStateException($"Cannot {what}: instance '{instanceId}' is {instance.RuntimeStatus}.");
        }

        await _backend.SendMessageAsync(new OrchestrationMessage(instanceId, e with { Timestamp = _time.GetUtcNow().UtcDateTime }), cancellationToken);
    }

    private static void ValidateInstanceId(string instanceId)
    {
        // Table keys forbid these characters, and ids appear in URLs; reject them here, for every backend alike.
        if (instanceId.Length is 0 or > 256 || instanceId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"Instance id '{instanceId}' is invalid: use 1 to 256 characters without '/', '\\', '#', '?' or control characters.", nameof(instanceId));
        }
    }

    private sealed class QueryPageable(DurableTaskClient client, OrchestrationQuery filter) : AsyncPageable<OrchestrationMetadata>
    {
        public override async IAsyncEnumerable<Page<OrchestrationMetadata>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            string? token = continuationToken ?? filter.ContinuationToken;
            do
            {
                OrchestrationQuery query = filter with { ContinuationToken = token, PageSize = pageSizeHint ?? filter.PageSize };
                OrchestrationQueryResult result = await client.QueryInstancesAsync(query);
                yield return Page<OrchestrationMetadata>.FromValues(result.Instances, result.ContinuationToken, NoResponse.Instance);
                token = result.ContinuationToken;
            }
            while (token is not null);
        }
    }

    private sealed class NoResponse : Response
    {
        public static readonly NoResponse Instance = new();

        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<Azure.Core.HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
