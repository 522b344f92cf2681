using Azure;
using Azure.Data.Tables;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Hosting;

/// <summary>A stored function key: its hash and whom it stands for. The key itself is never stored.</summary>
public sealed record ApiKeyRecord(string Hash, string Tenant, string Role, string? Name, DateTimeOffset CreatedAt);

/// <summary>
/// The <c>{prefix}ApiKeys</c> table: PartitionKey = the hash's first two hex digits (spreads keys over 256
/// partitions, still a point read), RowKey = the whole hash; properties Tenant, Role, Name, CreatedAt.
/// A storage format: add properties, never change the keys.
/// </summary>
public sealed class ApiKeyTable
{
    private readonly OnceCreatedTable _table;

    public ApiKeyTable(TableServiceClient service, string prefix = "") => _table = new OnceCreatedTable(service, prefix + "ApiKeys");

    public TableClient Table => _table.Client;

    /// <summary>Creates the table once per process (idempotent).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _table.EnsureCreatedAsync(cancellationToken);

    /// <summary>The key with this hash, or null.</summary>
    public async Task<ApiKeyRecord?> FindAsync(string hash, CancellationToken cancellationToken = default)
    {
        hash = hash.ToLowerInvariant();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(hash), hash,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    /// <summary>Stores (or replaces) a key's row.</summary>
    public async Task SaveAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        if (!FunctionKeys.IsHash(key.Hash))
        {
            throw new ArgumentException("A key is stored by its SHA-256 hash (64 hex digits), never as itself.", nameof(key));
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string hash = key.Hash.ToLowerInvariant();
        var row = new TableEntity(PartitionOf(hash), hash)
        {
            ["Tenant"] = key.Tenant,
            ["Role"] = key.Role,
            ["Name"] = key.Name,
            ["CreatedAt"] = key.CreatedAt,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a key; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string hash, CancellationToken cancellationToken = default)
    {
        hash = hash.ToLowerInvariant();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        Response response = await Table.DeleteEntityAsync(PartitionOf(hash), hash, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>Every key of a tenant with the given name (a scan: for the few keys a factory has, not for requests).</summary>
    public async IAsyncEnumerable<ApiKeyRecord> ListAsync(string tenant, string name,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(r => r.GetString("Tenant") == tenant && r.GetString("Name") == name,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToRecord(row);
        }
    }

    private static string PartitionOf(string hash) => hash[..2];

    private static ApiKeyRecord ToRecord(TableEntity row) =>
        new(row.RowKey, row.GetString("Tenant") ?? "", row.GetString("Role") ?? "", row.GetString("Name"),
            row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue);
}
