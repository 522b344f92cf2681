using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// A table created on first use, once per process: one <c>CreateIfNotExists</c> per table and process instead of one
/// per call — each is a storage request, so latency and money on Azure.
/// </summary>
public sealed class OnceCreatedTable(TableServiceClient service, string name)
{
    private int _created;

    public TableClient Client { get; } = service.GetTableClient(name);

    /// <summary>Creates the table unless this process already did (idempotent).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await Client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _created, 1);
        }
    }

    /// <summary>Deletes the table (tests, and tearing a factory down); the next use creates it again.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await service.DeleteTableAsync(Client.Name, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _created, 0);
    }
}
