using System.Collections.Concurrent;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>
/// The real app exactly as it is packaged (no test endpoints) over Azurite, recording every configuration key it
/// looks up while it starts, so the packaging tests can compare routes and settings with what is shipped.
/// </summary>
public sealed class PackagedApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _id = "p" + Guid.NewGuid().ToString("N")[..10];

    public ConcurrentDictionary<string, byte> KeysRead { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("AGENTFACTORY_STORAGE", AzuriteConnection.ConnectionString);
        builder.UseSetting("AgentFactory:TablePrefix", _id);
        builder.UseSetting("DurableTask:TaskHub", _id);
        builder.UseSetting("AgentFactory:Secrets:Key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        builder.ConfigureAppConfiguration(configuration => configuration.Add(new RecordingSource(KeysRead)));
    }

    public Task InitializeAsync()
    {
        _ = Services;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        ApiKeyTable keys = Services.GetRequiredService<ApiKeyTable>();
        FactoryTables tables = Services.GetRequiredService<FactoryTables>();
        await base.DisposeAsync();
        await keys.Table.DeleteAsync();
        await tables.DeleteAsync();
    }

    /// <summary>Added last, so it is asked first for every key: it records the key and answers nothing.</summary>
    private sealed class RecordingSource(ConcurrentDictionary<string, byte> keys) : IConfigurationSource, IConfigurationProvider
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public bool TryGet(string key, out string? value)
        {
            keys.TryAdd(key, 0);
            value = null;
            return false;
        }

        public void Set(string key, string? value)
        {
        }

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => new Microsoft.Extensions.Primitives.CancellationChangeToken(CancellationToken.None);

        public void Load()
        {
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => earlierKeys;
    }
}
