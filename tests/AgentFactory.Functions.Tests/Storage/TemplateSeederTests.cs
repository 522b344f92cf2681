using AgentFactory.Core.Templates;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class TemplateSeederTests
{
    [Fact(Timeout = 60_000)]
    public async Task HostStart_SeedsEveryShippedTemplateVersion()
    {
        string prefix = "s" + Guid.NewGuid().ToString("N")[..10];
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFactoryStorage(AzuriteConnection.ConnectionString, prefix);
        using IHost host = builder.Build();

        await host.StartAsync();
        try
        {
            TemplateCatalog stored = await host.Services.GetRequiredService<TemplateTable>().LoadCatalogAsync();
            Assert.Equal(TemplateCatalog.LoadEmbedded().All.Select(t => (t.Id, t.Version)), stored.All.Select(t => (t.Id, t.Version)));
        }
        finally
        {
            await host.StopAsync();
            await host.Services.GetRequiredService<FactoryTables>().DeleteAsync();
        }
    }
}
