using System.Collections.Concurrent;
using System.Security.Cryptography;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>
/// What one orchestration test class shares: tables under a prefix of its own, a secret key, a sandbox work root and
/// logs container, an alert queue, and a log of everything every host logged (to prove no secret is ever logged).
/// All of it is deleted at the end.
/// </summary>
public sealed class FactoryEnvironment : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public string Connection => AzuriteConnection.ConnectionString;

    public string Prefix => "o" + _id;

    public string SecretKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string LogsContainer => "orchlogs" + _id;

    public string AlertQueue => "orch-alerts-" + _id;

    public LogCollector Logs { get; } = new();

    public TableServiceClient Tables { get; } = new(AzuriteConnection.ConnectionString);

    public QueueServiceClient Queues { get; } = new(AzuriteConnection.ConnectionString);

    public BlobServiceClient Blobs { get; } = new(AzuriteConnection.ConnectionString);

    public FactoryTables FactoryTables => new(Tables, Prefix);

    public DeploymentEventTable Events => new(Tables, Prefix);

    public TableClient SecretsTable => Tables.GetTableClient(Prefix + "DeploymentSecrets");

    public MonitoringTable Monitoring => new(Tables, Prefix);

    /// <summary>The runtime the hosts ran containers on (set by <see cref="FactoryHost"/>), so that a failed test leaves none running.</summary>
    public IContainerRuntime? Runtime { get; set; }

    public static string NewTenant() => "tenant-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>An agent name no other test uses (the agent program's results and heartbeat tables are shared by every agent of the account).</summary>
    public static string NewAgentName(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Every resource of agent <paramref name="agentName"/> that exists, found by listing each service.</summary>
    public async Task<ExistingResources> ListAsync(string tenantId, string agentName, IContainerRuntime runtime)
    {
        AgentResourceNames names = AgentResourceNames.For(tenantId, agentName);
        var queues = new List<string>();
        await foreach (QueueItem queue in Queues.GetQueuesAsync(prefix: names.TaskQueue))
        {
            queues.Add(queue.Name);
        }

        var containers = new List<string>();
        await foreach (BlobContainerItem container in Blobs.GetBlobContainersAsync(prefix: names.BlobContainer))
        {
            containers.Add(container.Name);
        }

        var tables = new List<string>();
        await foreach (TableItem table in Tables.QueryAsync(t => t.Name == names.Table))
        {
            tables.Add(table.Name);
        }

        var rows = new List<string>();
        TableClient monitoring = Monitoring.Table;
        await monitoring.CreateIfNotExistsAsync();
        await foreach (TableEntity row in monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == tenantId))
        {
            rows.Add(row.RowKey);
        }

        ContainerInfo? info = await runtime.GetAsync(names.Container);
        return new ExistingResources([.. queues.Order()], [.. containers], [.. tables], [.. rows.Order()], info?.Name);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Deletes the container of every agent name and the sandbox of every deployment the tests made (a passing test has
    /// removed them already; a failing one may not have), so the runtime's cgroups can go too.
    /// </summary>
    private async Task RemoveContainersAsync()
    {
        if (Runtime is not { } runtime)
        {
            return;
        }

        try
        {
            await foreach (TableEntity row in FactoryTables.Deployments.QueryAsync<TableEntity>("RowKey ge 'd:' and RowKey lt 'd;'"))
            {
                await runtime.DeleteAsync(AgentFactory.Functions.Sandbox.SandboxService.ContainerName(row.GetString("DeploymentId")!));
                if (row.GetString("AgentName") is { Length: > 0 } agent)
                {
                    await runtime.DeleteAsync(AgentResourceNames.For(row.PartitionKey, agent).Container);
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // No deployment was ever made.
        }
    }

    public async Task DisposeAsync()
    {
        await RemoveContainersAsync();
        await FactoryTables.DeleteAsync();
        foreach (string table in new[] { "DeploymentEvents", "DeploymentSecrets", "AgentHealth", "AgentUsage", "SandboxSessions" })
        {
            await Tables.DeleteTableAsync(Prefix + table);
        }

        await Queues.GetQueueClient(AlertQueue).DeleteIfExistsAsync();
        await Blobs.GetBlobContainerClient(LogsContainer).DeleteIfExistsAsync();
    }
}

/// <summary>What exists of one agent's resources.</summary>
public sealed record ExistingResources(string[] Queues, string[] BlobContainers, string[] Tables, string[] MonitoringRows, string? Container)
{
    public bool Nothing => Queues.Length == 0 && BlobContainers.Length == 0 && Tables.Length == 0 && MonitoringRows.Length == 0 && Container is null;

    public override string ToString() =>
        $"queues [{string.Join(", ", Queues)}], blob containers [{string.Join(", ", BlobContainers)}], tables [{string.Join(", ", Tables)}], "
        + $"monitoring rows [{string.Join(", ", MonitoringRows)}], container {Container ?? "none"}";
}

/// <summary>Keeps every formatted log message of every host, to prove what is never logged.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue($"{category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
