using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Ad-hoc sandboxes started through the API (before any deployment exists): which tenant owns which sandbox, for
/// which template and configuration. Kept in Table storage (<c>{prefix}SandboxSessions</c>: PartitionKey = tenant,
/// RowKey = sandbox id, the redacted configuration) with the secret values in the secret store, because each run makes
/// its sandbox's container again from them — so a session outlives the process, and any instance of a scaled-out
/// app serves its runs.
/// </summary>
public sealed class SandboxSessions(TableServiceClient service, string tablePrefix, ISecretStore store, TemplateCatalog templates, TimeProvider time)
{
    private readonly OnceCreatedTable _table = new(service, tablePrefix + "SandboxSessions");
    private readonly ConfigurationSecrets _secrets = new(store);

    /// <summary>The key the sandbox service and the secret store file the session under: tenant-qualified, so no tenant can address another's.</summary>
    public static string KeyOf(string tenant, string sandboxId) => tenant + "." + sandboxId;

    /// <summary>Records a session for <paramref name="configuration"/> (a validated configuration's JSON, secrets included).</summary>
    public async Task AddAsync(string tenant, string sandboxId, AgentTemplate template, JsonElement configuration, CancellationToken cancellationToken = default)
    {
        SubmittedConfiguration submitted = await _secrets.StoreAsync(KeyOf(tenant, sandboxId), configuration, version: sandboxId, cancellationToken)
            .ConfigureAwait(false);
        await _table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _table.Client.UpsertEntityAsync(new TableEntity(tenant, sandboxId)
        {
            ["TemplateId"] = template.Id,
            ["TemplateVersion"] = template.Version,
            ["Configuration"] = submitted.Json,
            ["CreatedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session's template and configuration (secrets put back, in memory only), or null for another tenant's or an unknown id.</summary>
    public async Task<(AgentTemplate Template, AgentConfiguration Configuration)?> FindAsync(string tenant, string sandboxId,
        CancellationToken cancellationToken = default)
    {
        if (await RowAsync(tenant, sandboxId, cancellationToken).ConfigureAwait(false) is not { } row
            || templates.Get(row.GetString("TemplateId"), row.GetInt32("TemplateVersion")) is not { } template)
        {
            return null;
        }

        MergedConfiguration merged = await _secrets.MergeAsync(KeyOf(tenant, sandboxId), row.GetString("Configuration"), sandboxId, SecretUse.Run,
            cancellationToken).ConfigureAwait(false);
        return merged.Problems.Count > 0 ? null : (template, merged.ToConfiguration());
    }

    /// <summary>True when the tenant has a session of that id.</summary>
    public async Task<bool> ExistsAsync(string tenant, string sandboxId, CancellationToken cancellationToken = default) =>
        await RowAsync(tenant, sandboxId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Forgets the session and its secrets; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string tenant, string sandboxId, CancellationToken cancellationToken = default)
    {
        if (await RowAsync(tenant, sandboxId, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        await store.DeleteAllAsync(KeyOf(tenant, sandboxId), cancellationToken).ConfigureAwait(false);
        await _table.Client.DeleteEntityAsync(tenant, sandboxId, ETag.All, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<TableEntity?> RowAsync(string tenant, string sandboxId, CancellationToken cancellationToken)
    {
        if (!IsKeySafe(tenant) || !IsKeySafe(sandboxId))
        {
            return null;
        }

        await _table.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await _table.Client.GetEntityIfExistsAsync<TableEntity>(tenant, sandboxId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    // Characters Table storage refuses in keys never name a session (and must not reach the service as a 400).
    private static bool IsKeySafe(string key) =>
        key.Length is > 0 and <= 512 && key.IndexOfAny(['/', '\\', '#', '?']) < 0 && !key.Any(char.IsControl);
}
