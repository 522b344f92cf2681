using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class TemplateTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TemplateCatalog Shipped = TemplateCatalog.LoadEmbedded();

    private static string Json(AgentTemplate? t) => JsonSerializer.Serialize(t, AgentFactoryJson.Options);

    [Fact(Timeout = 60_000)]
    public async Task SeedAsync_Twice_AddsOnce_AndEveryTemplateReadsBackIdentical()
    {
        await using var fixture = new OwnTables();
        var table = new TemplateTable(fixture.Tables);

        TemplateSeedResult first = await table.SeedAsync(Shipped, Now);
        TemplateSeedResult second = await table.SeedAsync(Shipped, Now);

        Assert.Equal((Shipped.All.Count, 0), (first.Added, first.Unchanged));
        Assert.Equal((0, Shipped.All.Count), (second.Added, second.Unchanged));
        foreach (AgentTemplate template in Shipped.All)
        {
            Assert.Equal(Json(template), Json(await table.GetAsync(template.Id, template.Version)));
        }

        TemplateCatalog loaded = await table.LoadCatalogAsync();
        Assert.Equal(Shipped.All.Select(Json), loaded.All.Select(Json));
        Assert.Equal(6, loaded.List().Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task GetAsync_NewVersionShipped_LatestByDefault_OldVersionStillServed()
    {
        await using var fixture = new OwnTables();
        var table = new TemplateTable(fixture.Tables);
        AgentTemplate v1 = Shipped.Get("tmpl-memory")!;
        AgentTemplate v2 = v1 with { Version = v1.Version + 1, EstimatedMinutes = v1.EstimatedMinutes + 1 };
        await table.SeedAsync(Shipped, Now);

        await table.SeedAsync(TemplateCatalog.Create([.. Shipped.All, v2]), Now);

        Assert.Equal(v2.Version, (await table.GetAsync("tmpl-memory"))!.Version);
        Assert.Equal(Json(v1), Json(await table.GetAsync("tmpl-memory", v1.Version)));
        Assert.Null(await table.GetAsync("tmpl-memory", 99));
        Assert.Null(await table.GetAsync("tmpl-nothing"));
    }

    [Fact(Timeout = 60_000)]
    public async Task SeedAsync_ShippedVersionChangedInPlace_Refused()
    {
        await using var fixture = new OwnTables();
        var table = new TemplateTable(fixture.Tables);
        await table.SeedAsync(Shipped, Now);
        AgentTemplate edited = Shipped.Get("tmpl-api")! with { EstimatedMinutes = 99 };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => table.SeedAsync(TemplateCatalog.Create([.. Shipped.All.Where(t => t.Id != "tmpl-api"), edited]), Now));

        Assert.Contains("tmpl-api", ex.Message, StringComparison.Ordinal);
        Assert.NotEqual(99, (await table.GetAsync("tmpl-api"))!.EstimatedMinutes);
    }

    /// <summary>Tables of the test's own (seeding is about what a table already holds).</summary>
    private sealed class OwnTables : IAsyncDisposable
    {
        private readonly TablesFixture _fixture = new();

        public FactoryTables Tables => _fixture.Tables;

        public ValueTask DisposeAsync() => new(_fixture.DisposeAsync());
    }
}
