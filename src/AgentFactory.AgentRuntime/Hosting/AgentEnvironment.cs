using System.Collections;
using System.Globalization;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// The process environment the platform gives the agent (docs/AGENT-RUNTIME.md lists every variable). Secrets
/// arrive only here, never in the configuration file. A dictionary stands in for the real environment in tests.
/// </summary>
internal sealed class AgentEnvironment(IReadOnlyDictionary<string, string> variables)
{
    public const string StorageVariable = "AGENT_STORAGE";
    public const string StorageAccountVariable = "AGENT_STORAGE_ACCOUNT";
    public const string StorageClientIdVariable = "AGENT_STORAGE_CLIENT_ID";
    public const string StorageQueueUriVariable = "AGENT_STORAGE_QUEUE_URI";
    public const string StorageTableUriVariable = "AGENT_STORAGE_TABLE_URI";
    public const string QueueVariable = "AGENT_QUEUE";
    public const string StateDirVariable = "AGENT_STATE_DIR";
    public const string SandboxHttpVariable = "SANDBOX_HTTP";
    public const string ResultsTableVariable = "AGENT_RESULTS_TABLE";
    public const string MemoryTableVariable = "AGENT_MEMORY_TABLE";
    public const string AlertQueueVariable = "AGENT_ALERT_QUEUE";
    public const string MaxDequeueVariable = "AGENT_MAX_DEQUEUE";
    public const string ConcurrencyVariable = "AGENT_CONCURRENCY";
    public const string TaskTimeoutVariable = "AGENT_TASK_TIMEOUT_SECONDS";
    public const string PollMaxVariable = "AGENT_POLL_MAX_MS";

    public static AgentEnvironment FromProcess() =>
        new(Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? "", StringComparer.Ordinal));

    /// <summary>The variable's value, or null when unset or empty.</summary>
    public string? Get(string name) => variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Azure Storage connection string (long-term memory table, task queue, results, alerts); null in a sandbox without storage.</summary>
    public string? Storage => Get(StorageVariable);

    /// <summary>Clients for the agent's storage account, by connection string or managed identity; null in a sandbox without storage.</summary>
    public AgentStorage? StorageAccount => AgentStorage.From(this);

    /// <summary>Base URL of the sandbox HTTP test endpoint, when the sandbox gives the agent network.</summary>
    public Uri? SandboxHttp => Get(SandboxHttpVariable) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>A writable directory for the agent's files: AGENT_STATE_DIR, else a per-agent folder under the temp directory.</summary>
    public string StateDirectory(string agentName) =>
        Get(StateDirVariable) ?? Path.Combine(Path.GetTempPath(), "agentfactory-agent", agentName);

    public int GetInt(string name, int fallback, int min, int max) =>
        Get(name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? Math.Clamp(value, min, max)
            : fallback;
}
