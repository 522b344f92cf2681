using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// The factory's own tables (ARCHITECTURE.md §5). Every name starts with <see cref="Prefix"/>, so that
/// several factories (or test runs) can share one storage account. How the brief's SQL schema maps onto
/// partition and row keys: docs/STORAGE-SCHEMA.md.
/// </summary>
public sealed class FactoryTables
{
    private readonly TableServiceClient _service;
    private int _created;

    public FactoryTables(TableServiceClient service, string prefix = "")
    {
        _service = service;
        Prefix = prefix;
        Templates = service.GetTableClient(prefix + "AgentTemplates");
        Agents = service.GetTableClient(prefix + "Agents");
        Deployments = service.GetTableClient(prefix + "FactoryDeployments");
        SandboxTests = service.GetTableClient(prefix + "SandboxTests");
    }

    public string Prefix { get; }

    /// <summary>The table service these tables are on, for tables of the factory kept elsewhere with the same prefix.</summary>
    public TableServiceClient Service => _service;

    public TableClient Templates { get; }

    public TableClient Agents { get; }

    public TableClient Deployments { get; }

    public TableClient SandboxTests { get; }

    private IEnumerable<TableClient> All => [Templates, Agents, Deployments, SandboxTests];

    /// <summary>Creates the tables once per process (idempotent).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _created) == 1)
        {
            return;
        }

        await Task.WhenAll(All.Select(t => t.CreateIfNotExistsAsync(cancellationToken))).ConfigureAwait(false);
        Volatile.Write(ref _created, 1);
    }

    /// <summary>Deletes every table (tests, and tearing a factory down).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(All.Select(t => _service.DeleteTableAsync(t.Name, cancellationToken))).ConfigureAwait(false);
        Volatile.Write(ref _created, 0);
    }
}
