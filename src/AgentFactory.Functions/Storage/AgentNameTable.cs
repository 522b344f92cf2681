using AgentFactory.Core.Validation;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>What happened to a name reservation.</summary>
public enum ReservationOutcome
{
    /// <summary>The name is now held by the deployment.</summary>
    Reserved,

    /// <summary>The deployment already held it (a retried activity): nothing changed.</summary>
    AlreadyHeld,

    /// <summary>Another deployment holds it.</summary>
    Taken,
}

/// <summary>Who holds an agent name within a tenant.</summary>
public sealed record AgentNameRecord(string TenantId, string Name, string DeploymentId, string State, DateTimeOffset ReservedAt);

/// <summary>
/// The <c>Agents</c> table: one row per agent name per tenant (PartitionKey = tenant, RowKey = name).
/// A reservation is an insert, never an upsert, so of two concurrent creations of the same name exactly
/// one wins (the service answers the other 409); the loser is told who holds the name.
/// </summary>
public sealed class AgentNameTable(FactoryTables tables) : IAgentNameRegistry
{
    private const string DeploymentProperty = "DeploymentId";

    /// <summary>True when some deployment holds <paramref name="name"/> in the tenant.</summary>
    public async Task<bool> IsTakenAsync(string tenantId, string name, CancellationToken cancellationToken = default) =>
        await GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The holder of a name, or null.</summary>
    public async Task<AgentNameRecord?> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await tables.Agents
            .GetEntityIfExistsAsync<TableEntity>(Keys.Check(tenantId, "tenant"), Keys.Check(name, "agent name"), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    /// <summary>Reserves <paramref name="name"/> for <paramref name="deploymentId"/>; idempotent for the same deployment.</summary>
    public async Task<ReservationOutcome> ReserveAsync(string tenantId, string name, string deploymentId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Keys.Check(tenantId, "tenant"), Keys.Check(name, "agent name"))
        {
            [DeploymentProperty] = deploymentId,
            ["State"] = "Reserved",
            ["ReservedAt"] = now,
        };
        try
        {
            await tables.Agents.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return ReservationOutcome.Reserved;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            AgentNameRecord? holder = await GetAsync(tenantId, name, cancellationToken).ConfigureAwait(false);
            return holder?.DeploymentId == deploymentId ? ReservationOutcome.AlreadyHeld : ReservationOutcome.Taken;
        }
    }

    /// <summary>Marks a held name as belonging to a running agent. False when the deployment does not hold it.</summary>
    public async Task<bool> ActivateAsync(string tenantId, string name, string deploymentId, CancellationToken cancellationToken = default)
    {
        TableEntity? row = await OwnedRowAsync(tenantId, name, deploymentId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        row["State"] = "Active";
        await tables.Agents.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Frees a name, but only the deployment that holds it can (a cancelled wizard must never free a name
    /// that another deployment took meanwhile). Idempotent: releasing a free name is a no-op.
    /// </summary>
    public async Task<bool> ReleaseAsync(string tenantId, string name, string deploymentId, CancellationToken cancellationToken = default)
    {
        TableEntity? row = await OwnedRowAsync(tenantId, name, deploymentId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        try
        {
            await tables.Agents.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404)
        {
        }

        return true;
    }

    /// <summary>Every name held in a tenant, in name order.</summary>
    public async IAsyncEnumerable<AgentNameRecord> ListAsync(string tenantId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Check(tenantId, "tenant")}");
        await foreach (TableEntity row in tables.Agents.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToRecord(row);
        }
    }

    private async Task<TableEntity?> OwnedRowAsync(string tenantId, string name, string deploymentId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await tables.Agents
            .GetEntityIfExistsAsync<TableEntity>(Keys.Check(tenantId, "tenant"), Keys.Check(name, "agent name"), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString(DeploymentProperty) == deploymentId ? row.Value : null;
    }

    private static AgentNameRecord ToRecord(TableEntity row) => new(row.PartitionKey, row.RowKey, row.GetString(DeploymentProperty) ?? "",
        row.GetString("State") ?? "Reserved", row.GetDateTimeOffset("ReservedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue);
}
