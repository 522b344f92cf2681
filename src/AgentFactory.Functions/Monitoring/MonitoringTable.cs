using AgentFactory.Functions.Provisioning;
using Azure;
using Azure.Data.Tables;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// The <c>AgentHealth</c> table (name after a configurable prefix): per agent, a health-check registration row
/// (<c>check:{agent}</c>, whose counters the monitoring loop updates) and an alert rule row (<c>alert:{agent}</c>,
/// which only provisioning writes), both in the tenant's partition so they are written in one transaction.
/// Two rows rather than one: the loop's frequent counter updates never race with, or rewrite, the rule.
/// </summary>
public sealed partial class MonitoringTable
{
    private const string CheckPrefix = "check:";
    private const string AlertPrefix = "alert:";
    private readonly OnceCreatedTable _table;

    /// <summary>The table on <paramref name="service"/>'s account, named <c>{prefix}AgentHealth</c>.</summary>
    public MonitoringTable(TableServiceClient service, string prefix = "") => _table = new OnceCreatedTable(service, prefix + "AgentHealth");

    /// <summary>The table.</summary>
    public TableClient Table => _table.Client;

    /// <summary>Creates the table once per process (idempotent).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _table.EnsureCreatedAsync(cancellationToken);

    /// <summary>Deletes the table (tests, and tearing a factory down).</summary>
    public Task DeleteAsync(CancellationToken cancellationToken = default) => _table.DeleteAsync(cancellationToken);

    /// <summary>
    /// Makes the stored registration and rule equal to <paramref name="check"/> and <paramref name="rule"/>: missing
    /// rows are added, rows with another definition replaced (a replaced registration starts counting afresh), equal
    /// rows left alone with their counters. Both rows change in one transaction.
    /// </summary>
    public async Task<(ResourceChange Check, ResourceChange Rule)> RegisterAsync(HealthCheck check, AlertRule rule, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        // Another provisioning of the same agent may write between our read and our transaction (409 or 412):
        // read again and converge; the retry is bounded because each race means someone else converged the rows.
        for (int attempt = 1; ; attempt++)
        {
            NullableResponse<TableEntity> storedCheck = await GetRowAsync(check.TenantId, CheckPrefix + check.AgentName, cancellationToken).ConfigureAwait(false);
            NullableResponse<TableEntity> storedRule = await GetRowAsync(check.TenantId, AlertPrefix + check.AgentName, cancellationToken).ConfigureAwait(false);
            ResourceChange checkChange = Compare(storedCheck, row => ToCheck(row) == check);
            ResourceChange ruleChange = Compare(storedRule, row => ToRule(row) == rule);
            var actions = new List<TableTransactionAction>();
            AddAction(actions, checkChange, CheckRow(check), storedCheck);
            AddAction(actions, ruleChange, RuleRow(check.TenantId, check.AgentName, rule), storedRule);
            if (actions.Count == 0)
            {
                return (checkChange, ruleChange);
            }

            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return (checkChange, ruleChange);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 3)
            {
            }
        }
    }

    /// <summary>Deletes both rows of an agent; each is reported deleted or absent.</summary>
    public async Task<(ResourceChange Check, ResourceChange Rule)> UnregisterAsync(string tenantId, string agentName, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        // The registration first: once it is gone the loop no longer checks, so it cannot alert without a rule.
        ResourceChange check = await DeleteRowAsync(tenantId, CheckPrefix + agentName, cancellationToken).ConfigureAwait(false);
        ResourceChange rule = await DeleteRowAsync(tenantId, AlertPrefix + agentName, cancellationToken).ConfigureAwait(false);
        return (check, rule);
    }

    /// <summary>The registration of one agent, or null.</summary>
    public async Task<HealthCheckState?> GetAsync(string tenantId, string agentName, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await GetRowAsync(tenantId, CheckPrefix + agentName, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToState(row.Value!) : null;
    }

    /// <summary>The alert rule of one agent, or null.</summary>
    public async Task<AlertRule?> GetRuleAsync(string tenantId, string agentName, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await GetRowAsync(tenantId, AlertPrefix + agentName, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToRule(row.Value!) : null;
    }

    /// <summary>Every registered agent with its rule: one scan of the table, whose rows are only these.</summary>
    public async Task<IReadOnlyList<MonitoredAgent>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var checks = new List<HealthCheckState>();
        var rules = new Dictionary<(string, string), AlertRule>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith(CheckPrefix, StringComparison.Ordinal))
            {
                checks.Add(ToState(row));
            }
            else if (row.RowKey.StartsWith(AlertPrefix, StringComparison.Ordinal))
            {
                rules[(row.PartitionKey, row.RowKey[AlertPrefix.Length..])] = ToRule(row);
            }
        }

        return [.. checks.Select(state => new MonitoredAgent(state, rules.GetValueOrDefault((state.Check.TenantId, state.Check.AgentName))))];
    }

    /// <summary>
    /// Writes the loop's counters if the row is still the version <paramref name="state"/> was read at. Returns the
    /// state with its new ETag, or null when another writer got there first (412) or the agent was unregistered (404).
    /// </summary>
    public async Task<HealthCheckState?> TryUpdateAsync(HealthCheckState state, CancellationToken cancellationToken = default)
    {
        try
        {
            Response response = await Table.UpdateEntityAsync(StateRow(state), state.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return state with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    private async Task<NullableResponse<TableEntity>> GetRowAsync(string tenantId, string rowKey, CancellationToken cancellationToken) =>
        await Table.GetEntityIfExistsAsync<TableEntity>(Keys.Check(tenantId, "tenant"), rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);

    private async Task<ResourceChange> DeleteRowAsync(string tenantId, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            Response response = await Table.DeleteEntityAsync(Keys.Check(tenantId, "tenant"), rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            return response.Status == 404 ? ResourceChange.Absent : ResourceChange.Deleted;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return ResourceChange.Absent;
        }
    }

    private static ResourceChange Compare(NullableResponse<TableEntity> stored, Func<TableEntity, bool> same) =>
        !stored.HasValue ? ResourceChange.Created : same(stored.Value!) ? ResourceChange.Existed : ResourceChange.Updated;

    private static void AddAction(List<TableTransactionAction> actions, ResourceChange change, TableEntity row, NullableResponse<TableEntity> stored)
    {
        switch (change)
        {
            case ResourceChange.Created:
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
                break;
            case ResourceChange.Updated:
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, stored.Value!.ETag));
                break;
        }
    }
}
