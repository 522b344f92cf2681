using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Tests.Storage;

/// <summary>The factory's tables on Azurite, under a prefix of their own, deleted after the test class.</summary>
public sealed class TablesFixture : IAsyncLifetime
{
    public FactoryTables Tables { get; } = new(new TableServiceClient(AzuriteConnection.ConnectionString), "t" + Guid.NewGuid().ToString("N")[..10]);

    public Task InitializeAsync() => Tables.EnsureCreatedAsync();

    public Task DisposeAsync() => Tables.DeleteAsync();
}
