using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// The <c>FactoryDeployments</c> table. One partition per tenant holds, per deployment:
/// <list type="bullet">
/// <item><c>d:{id}</c> — the deployment (configuration, estimate, status, times);</item>
/// <item><c>s:{status}:{newest-first ticks}:{id}</c> — a summary, so listing by status newest first is one range query
/// (the brief's <c>idx_factory_deployments_status (status, created_at DESC)</c>);</item>
/// <item><c>c:{newest-first ticks}:{id}</c> — a summary for listing every deployment newest first.</item>
/// </list>
/// All three change in one entity-group transaction guarded by the deployment row's ETag, so the index can
/// never disagree with the row, and a writer holding a stale record gets 412 instead of overwriting.
/// </summary>
public sealed class DeploymentTable(FactoryTables tables)
{
    private const string RowPrefix = "d:";
    private const string StatusPrefix = "s:";
    private const string CreatedPrefix = "c:";

    /// <summary>Stores a new deployment. Throws <see cref="RequestFailedException"/> 409 when the id exists.</summary>
    public async Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        Response<IReadOnlyList<Response>> response = await tables.Deployments.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, ToRow(record)),
            new TableTransactionAction(TableTransactionActionType.Add, ToSummaryRow(record, StatusKey(record))),
            new TableTransactionAction(TableTransactionActionType.Add, ToSummaryRow(record, CreatedKey(record))),
        ], cancellationToken).ConfigureAwait(false);
        return record with { ETag = response.Value[0].Headers.ETag ?? default };
    }

    /// <summary>The deployment, or null.</summary>
    public async Task<DeploymentRecord?> GetAsync(string tenantId, string deploymentId, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await tables.Deployments
            .GetEntityIfExistsAsync<TableEntity>(Keys.Check(tenantId, "tenant"), RowPrefix + Keys.Check(deploymentId, "deployment id"),
                cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>
    /// Writes <paramref name="updated"/> over the stored row if it is still the version <paramref name="updated"/>'s
    /// ETag names (else 412), moving its index rows when the status changed. Returns the record with its new ETag.
    /// </summary>
    public async Task<DeploymentRecord> UpdateAsync(DeploymentRecord previous, DeploymentRecord updated, CancellationToken cancellationToken = default)
    {
        if (previous.TenantId != updated.TenantId || previous.DeploymentId != updated.DeploymentId || previous.CreatedAt != updated.CreatedAt)
        {
            throw new ArgumentException("Tenant, deployment id and creation time never change.", nameof(updated));
        }

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, ToRow(updated), previous.ETag),
            new(TableTransactionActionType.UpsertReplace, ToSummaryRow(updated, CreatedKey(updated))),
        };
        if (previous.Status != updated.Status)
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(previous.TenantId, StatusKey(previous)), ETag.All));
        }

        actions.Add(new(TableTransactionActionType.UpsertReplace, ToSummaryRow(updated, StatusKey(updated))));
        Response<IReadOnlyList<Response>> response = await tables.Deployments.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        return updated with { ETag = response.Value[0].Headers.ETag ?? default };
    }

    /// <summary>Deployments of a tenant, newest first, optionally only those in <paramref name="status"/>.</summary>
    public async Task<DeploymentPage> ListAsync(string tenantId, DeploymentStatus? status = null, int pageSize = 50, string? continuationToken = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string prefix = status is { } s ? $"{StatusPrefix}{s}:" : CreatedPrefix;
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Keys.Check(tenantId, "tenant")} and RowKey ge {prefix} and RowKey lt {Keys.PrefixEnd(prefix)}");
        await foreach (Page<TableEntity> page in tables.Deployments.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken)
            .AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return new DeploymentPage([.. page.Values.Select(FromSummaryRow)], page.ContinuationToken);
        }

        return new DeploymentPage([], null);
    }

    private static string StatusKey(DeploymentRecord r) => $"{StatusPrefix}{r.Status}:{Keys.NewestFirst(r.CreatedAt)}:{r.DeploymentId}";

    private static string CreatedKey(DeploymentRecord r) => $"{CreatedPrefix}{Keys.NewestFirst(r.CreatedAt)}:{r.DeploymentId}";

    private static TableEntity ToRow(DeploymentRecord r)
    {
        TableEntity row = ToSummaryRow(r, RowPrefix + Keys.Check(r.DeploymentId, "deployment id"));
        row["TemplateVersion"] = r.TemplateVersion;
        row["InstanceId"] = r.InstanceId;
        row["Error"] = r.Error;
        row["UpdatedAt"] = r.UpdatedAt;
        // Exact decimal as text; the summary's double is for people and sorting only.
        row["MonthlyCostExact"] = r.MonthlyCostUsd?.ToString(CultureInfo.InvariantCulture);
        LargeText.Write(row, "Configuration", r.ConfigurationJson);
        LargeText.Write(row, "CostEstimate", r.CostEstimateJson);
        row["CleanupStartedAt"] = r.CleanupStartedAt;
        LargeText.Write(row, "Cleanup", r.CleanupJson);
        return row;
    }

    private static TableEntity ToSummaryRow(DeploymentRecord r, string rowKey) => new(Keys.Check(r.TenantId, "tenant"), rowKey)
    {
        ["DeploymentId"] = r.DeploymentId,
        ["AgentName"] = r.AgentName,
        ["TemplateId"] = r.TemplateId,
        ["Status"] = r.Status.ToString(),
        ["Progress"] = r.Progress,
        ["Step"] = r.Step,
        ["MonthlyCostUsd"] = r.MonthlyCostUsd is { } c ? (double)c : null,
        ["CreatedAt"] = r.CreatedAt,
        ["CompletedAt"] = r.CompletedAt,
    };

    private static DeploymentRecord FromRow(TableEntity row)
    {
        DeploymentSummary s = FromSummaryRow(row);
        return new DeploymentRecord
        {
            TenantId = s.TenantId,
            DeploymentId = s.DeploymentId,
            AgentName = s.AgentName,
            TemplateId = s.TemplateId,
            TemplateVersion = row.GetInt32("TemplateVersion") ?? 0,
            Status = s.Status,
            Progress = s.Progress,
            Step = s.Step,
            ConfigurationJson = LargeText.Read(row, "Configuration") ?? "{}",
            MonthlyCostUsd = row.GetString("MonthlyCostExact") is { } exact ? decimal.Parse(exact, CultureInfo.InvariantCulture) : null,
            CostEstimateJson = LargeText.Read(row, "CostEstimate"),
            InstanceId = row.GetString("InstanceId"),
            Error = row.GetString("Error"),
            CreatedAt = s.CreatedAt,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? s.CreatedAt,
            CompletedAt = s.CompletedAt,
            CleanupStartedAt = row.GetDateTimeOffset("CleanupStartedAt"),
            CleanupJson = LargeText.Read(row, "Cleanup"),
            ETag = row.ETag,
        };
    }

    private static DeploymentSummary FromSummaryRow(TableEntity row) => new(
        row.PartitionKey,
        row.GetString("DeploymentId") ?? "",
        row.GetString("AgentName") ?? "",
        row.GetString("TemplateId") ?? "",
        Enum.TryParse(row.GetString("Status"), out DeploymentStatus status) ? status : DeploymentStatus.Configuring,
        row.GetInt32("Progress") ?? 0,
        row.GetString("Step"),
        row.GetDouble("MonthlyCostUsd") is { } cost ? (decimal)cost : null,
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("CompletedAt"));
}
