using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>What seeding the template table did.</summary>
public sealed record TemplateSeedResult(int Added, int Unchanged);

/// <summary>
/// The <c>AgentTemplates</c> table: PartitionKey = template id, RowKey = <c>v{version:D10}</c>. Every version
/// stays, so a wizard that pinned (id, version) keeps working after a template change, which ships as a new
/// version. A shipped version never changes: seeding refuses one whose content differs from what is stored.
/// </summary>
public sealed class TemplateTable(FactoryTables tables)
{
    /// <summary>Writes every template of <paramref name="catalog"/> that the table lacks (idempotent; safe from several instances at once).</summary>
    /// <exception cref="InvalidOperationException">A stored version differs from the shipped one.</exception>
    public async Task<TemplateSeedResult> SeedAsync(TemplateCatalog catalog, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        int added = 0, unchanged = 0;
        foreach (AgentTemplate template in catalog.All)
        {
            TableEntity row = ToRow(template, now);
            try
            {
                await tables.Templates.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                added++;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                TableEntity stored = (await tables.Templates.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)).Value;
                if (stored.GetString("Hash") != row.GetString("Hash"))
                {
                    throw new InvalidOperationException(
                        $"Template '{template.Id}' version {template.Version} in storage differs from the one this build ships; " +
                        "a changed template must ship as a new version (in-flight wizards pin the old one).");
                }

                unchanged++;
            }
        }

        return new TemplateSeedResult(added, unchanged);
    }

    /// <summary>The template at <paramref name="version"/>, or its latest version when null; null when absent.</summary>
    public async Task<AgentTemplate?> GetAsync(string templateId, int? version = null, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        Keys.Check(templateId, "template id");
        if (version is { } v)
        {
            NullableResponse<TableEntity> row = await tables.Templates.GetEntityIfExistsAsync<TableEntity>(templateId, VersionKey(v),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return row.HasValue ? FromRow(row.Value!) : null;
        }

        AgentTemplate? latest = null;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {templateId}");
        await foreach (TableEntity row in tables.Templates.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            latest = FromRow(row); // rows come in version order: the last one is the latest
        }

        return latest;
    }

    /// <summary>Every stored version of every template, as a catalog (checked like the embedded one).</summary>
    public async Task<TemplateCatalog> LoadCatalogAsync(CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var templates = new List<AgentTemplate>();
        await foreach (TableEntity row in tables.Templates.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            templates.Add(FromRow(row));
        }

        return TemplateCatalog.Create(templates);
    }

    private static string VersionKey(int version) => "v" + version.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToRow(AgentTemplate template, DateTimeOffset now)
    {
        string json = JsonSerializer.Serialize(template, AgentFactoryJson.Options);
        var row = new TableEntity(Keys.Check(template.Id, "template id"), VersionKey(template.Version))
        {
            ["Name"] = template.Name,
            ["Category"] = template.Category.ToString(),
            ["Complexity"] = template.Complexity.ToString(),
            ["Version"] = template.Version,
            ["Hash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json))),
            ["CreatedAt"] = now,
        };
        LargeText.Write(row, "Template", json);
        return row;
    }

    private static AgentTemplate FromRow(TableEntity row) =>
        JsonSerializer.Deserialize<AgentTemplate>(LargeText.Read(row, "Template") ?? "null", AgentFactoryJson.Options)
        ?? throw new InvalidOperationException($"Template row {row.PartitionKey}/{row.RowKey} is empty.");
}
