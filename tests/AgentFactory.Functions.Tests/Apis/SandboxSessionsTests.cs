using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Apis;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Tests.Orchestration;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Apis;

/// <summary>Ad-hoc sandbox sessions on Azurite: any instance of the app serves a session, its secrets never in its row.</summary>
public sealed class SandboxSessionsTests(FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    private const string Secret = "session-secret-that-stays-in-the-secret-store";
    private static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();

    // What another instance of the app builds from the same settings.
    private SandboxSessions Instance() =>
        new(env.Tables, env.Prefix, new TableSecretStore(env.Tables, Options.Create(new SecretStoreOptions { Key = env.SecretKey }), env.Prefix), Templates,
            TimeProvider.System);

    private static JsonElement Configuration(AgentTemplate template) =>
        JsonSerializer.SerializeToElement(template.CreateDefaultConfiguration("session-agent") with
        {
            Advanced = new AdvancedSettings { Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = Secret, Secret = true }] },
        }, AgentFactoryJson.Options);

    [Fact(Timeout = 30_000)]
    public async Task AddAsync_ThenAnotherInstanceFindsIt_WithItsSecretBack_WhileTheRowHoldsNone()
    {
        AgentTemplate template = Templates.Get("tmpl-api")!;
        string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        await Instance().AddAsync(tenant, "sbx1", template, Configuration(template));

        (AgentTemplate Template, AgentConfiguration Configuration)? found = await Instance().FindAsync(tenant, "sbx1");

        Assert.NotNull(found);
        Assert.Equal((template.Id, template.Version), (found.Value.Template.Id, found.Value.Template.Version));
        Assert.Equal(Secret, Assert.Single(found.Value.Configuration.Advanced.Environment).Value);
        TableEntity row = (await env.Tables.GetTableClient(env.Prefix + "SandboxSessions").GetEntityAsync<TableEntity>(tenant, "sbx1")).Value;
        Assert.DoesNotContain(Secret, JsonSerializer.Serialize(row), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task FindAsync_AnotherTenantsOrAnUnknownOrAnUnusableId_Null()
    {
        AgentTemplate template = Templates.Get("tmpl-blank")!;
        string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        await Instance().AddAsync(tenant, "sbx2", template, Configuration(template));

        Assert.Null(await Instance().FindAsync("other-" + tenant, "sbx2"));
        Assert.Null(await Instance().FindAsync(tenant, "nope"));
        Assert.Null(await Instance().FindAsync(tenant, "a/b#c"));
        Assert.False(await Instance().ExistsAsync("other-" + tenant, "sbx2"));
    }

    [Fact(Timeout = 30_000)]
    public async Task RemoveAsync_ForgetsTheSessionAndItsSecrets()
    {
        AgentTemplate template = Templates.Get("tmpl-blank")!;
        string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        await Instance().AddAsync(tenant, "sbx3", template, Configuration(template));

        Assert.True(await Instance().RemoveAsync(tenant, "sbx3"));

        Assert.False(await Instance().ExistsAsync(tenant, "sbx3"));
        Assert.False(await Instance().RemoveAsync(tenant, "sbx3"));
        Assert.Equal(0, await Surfaces.CountAsync(env.SecretsTable, SandboxSessions.KeyOf(tenant, "sbx3")));
    }
}
