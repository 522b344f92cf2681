using System.Globalization;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// A deployed agent's metered container time: its allocation, the running time of its finished runs, and the start of
/// the run still going. Running seconds at time t = <see cref="RunSeconds"/> + (t − <see cref="RunningSince"/>).
/// </summary>
public sealed record AgentUsage
{
    public required string TenantId { get; init; }

    public required string DeploymentId { get; init; }

    public required string AgentName { get; init; }

    public decimal CpuCores { get; init; }

    public decimal MemoryGb { get; init; }

    /// <summary>When metering began: the start of the first run seen.</summary>
    public DateTimeOffset MeteredFrom { get; init; }

    /// <summary>Seconds of the finished runs.</summary>
    public double RunSeconds { get; init; }

    /// <summary>The start of the run still going, null when the container is not running.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>When the last run ended (the end of metering once the agent is gone).</summary>
    public DateTimeOffset? LastStoppedAt { get; init; }

    public int Runs { get; init; }

    public ETag ETag { get; init; }

    /// <summary>Seconds the container ran up to <paramref name="now"/>.</summary>
    public double RunningSecondsAt(DateTimeOffset now) => RunSeconds + (RunningSince is { } since && now > since ? (now - since).TotalSeconds : 0);

    /// <summary>The time metering has observed up to <paramref name="now"/> (the period the running time belongs to).</summary>
    public double ObservedSecondsAt(DateTimeOffset now)
    {
        DateTimeOffset end = RunningSince is null && LastStoppedAt is { } stopped ? stopped : now;
        return Math.Max(0, (end - MeteredFrom).TotalSeconds);
    }
}

/// <summary>
/// The <c>{prefix}AgentUsage</c> table: PartitionKey = tenant, RowKey = deployment id, one row per deployed agent.
/// Written only when a run starts or ends (<see cref="UsageMeter"/>), read by <c>GET /stats</c> (one partition query).
/// Kept after the agent is deleted: what it used stays billed.
/// </summary>
public sealed class UsageTable
{
    private readonly OnceCreatedTable _table;

    public UsageTable(TableServiceClient service, string prefix = "") => _table = new OnceCreatedTable(service, prefix + "AgentUsage");

    public TableClient Table => _table.Client;

    /// <summary>Creates the table once per process (idempotent).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _table.EnsureCreatedAsync(cancellationToken);

    /// <summary>Deletes the table (tests, and tearing a factory down).</summary>
    public Task DeleteAsync(CancellationToken cancellationToken = default) => _table.DeleteAsync(cancellationToken);

    /// <summary>The usage of one deployment, or null.</summary>
    public async Task<AgentUsage?> GetAsync(string tenantId, string deploymentId, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(Keys.Check(tenantId, "tenant"), Keys.Check(deploymentId, "deployment id"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Every metered deployment of a tenant.</summary>
    public async Task<IReadOnlyList<AgentUsage>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var all = new List<AgentUsage>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Check(tenantId, "tenant")}");
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            all.Add(FromRow(row));
        }

        return all;
    }

    /// <summary>Adds <paramref name="usage"/> (ETag empty) or replaces it if unchanged since read; false on a conflict (someone else wrote).</summary>
    public async Task<bool> TryWriteAsync(AgentUsage usage, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (usage.ETag == default)
            {
                await Table.AddEntityAsync(ToRow(usage), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Table.UpdateEntityAsync(ToRow(usage), usage.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private static TableEntity ToRow(AgentUsage u) => new(Keys.Check(u.TenantId, "tenant"), Keys.Check(u.DeploymentId, "deployment id"))
    {
        ["AgentName"] = u.AgentName,
        ["CpuCores"] = u.CpuCores.ToString(CultureInfo.InvariantCulture),
        ["MemoryGb"] = u.MemoryGb.ToString(CultureInfo.InvariantCulture),
        ["MeteredFrom"] = u.MeteredFrom,
        ["RunSeconds"] = u.RunSeconds,
        ["RunningSince"] = u.RunningSince,
        ["LastStoppedAt"] = u.LastStoppedAt,
        ["Runs"] = u.Runs,
    };

    private static AgentUsage FromRow(TableEntity row) => new()
    {
        TenantId = row.PartitionKey,
        DeploymentId = row.RowKey,
        AgentName = row.GetString("AgentName") ?? "",
        CpuCores = decimal.TryParse(row.GetString("CpuCores"), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal cpu) ? cpu : 0m,
        MemoryGb = decimal.TryParse(row.GetString("MemoryGb"), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal memory) ? memory : 0m,
        MeteredFrom = row.GetDateTimeOffset("MeteredFrom") ?? DateTimeOffset.MinValue,
        RunSeconds = row.GetDouble("RunSeconds") ?? 0,
        RunningSince = row.GetDateTimeOffset("RunningSince"),
        LastStoppedAt = row.GetDateTimeOffset("LastStoppedAt"),
        Runs = row.GetInt32("Runs") ?? 0,
        ETag = row.ETag,
    };
}
