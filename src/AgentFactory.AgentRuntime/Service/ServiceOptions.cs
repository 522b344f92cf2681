using AgentFactory.AgentRuntime.Hosting;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>Service-mode settings, from the environment (docs/AGENT-RUNTIME.md) with defaults that suit an on-demand agent.</summary>
internal sealed record ServiceOptions
{
    public const string DefaultResultsTable = "agentresults";
    public const string HeartbeatTable = "agentheartbeats";

    public required AgentStorage Storage { get; init; }

    public required string Queue { get; init; }

    public string PoisonQueue => QueueNames.Derived(Queue, "-poison");

    public string ResultsTable { get; init; } = DefaultResultsTable;

    /// <summary>A message received more often than this goes to the poison queue instead of running again.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Tasks run at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>How long a received message stays invisible; renewed at half-time while its task runs.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Polling backs off from <see cref="PollMin"/> to <see cref="PollMax"/> while the queue is empty.</summary>
    public TimeSpan PollMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan PollMax { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After SIGTERM, running tasks get this long to finish before they are cancelled (their messages come back later).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Reads the options; null when neither AGENT_STORAGE nor AGENT_STORAGE_ACCOUNT is set (a service needs its queue).</summary>
    public static ServiceOptions? From(AgentEnvironment environment, string agentName) => environment.StorageAccount is not { } storage ? null : new ServiceOptions
    {
        Storage = storage,
        Queue = environment.Get(AgentEnvironment.QueueVariable) ?? agentName,
        ResultsTable = environment.Get(AgentEnvironment.ResultsTableVariable) ?? DefaultResultsTable,
        MaxDequeueCount = environment.GetInt(AgentEnvironment.MaxDequeueVariable, 5, 1, 100),
        Concurrency = environment.GetInt(AgentEnvironment.ConcurrencyVariable, 4, 1, 64),
        PollMax = TimeSpan.FromMilliseconds(environment.GetInt(AgentEnvironment.PollMaxVariable, 2000, 100, 60_000)),
    };
}
