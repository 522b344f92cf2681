using AgentFactory.Durable.AzureStorage;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class FactoryStorageAccountTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void FromConfiguration_OwnSettingFirst_ThenFunctionsStorage_ThenAzurite()
    {
        Assert.Equal("UseDevelopmentStorage=true", FactoryStorageAccount.FromConfiguration(Settings()).ConnectionString);
        Assert.Equal("B", FactoryStorageAccount.FromConfiguration(Settings(("AzureWebJobsStorage", "B"))).ConnectionString);
        Assert.Equal("A", FactoryStorageAccount.FromConfiguration(Settings(("AGENTFACTORY_STORAGE", "A"), ("AzureWebJobsStorage", "B"))).ConnectionString);
    }

    [Fact]
    public void FromConfiguration_FunctionsIdentityConvention_UsesTheUserAssignedManagedIdentity()
    {
        // As app settings: AzureWebJobsStorage__accountName etc. (environment variables map __ to ':').
        FactoryStorageAccount account = FactoryStorageAccount.FromConfiguration(Settings(
            ("AzureWebJobsStorage:accountName", "stagentfactdev"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "11111111-2222-3333-4444-555555555555")));

        Assert.True(account.IsIdentityBased);
        Assert.Null(account.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(account.Credential);
        Assert.Equal(new Uri("https://stagentfactdev.table.core.windows.net"), account.TableEndpoint);
        Assert.Equal(new Uri("https://stagentfactdev.queue.core.windows.net"), account.QueueEndpoint);
        Assert.Equal(new Uri("https://stagentfactdev.blob.core.windows.net"), account.BlobEndpoint);
        Assert.Equal("stagentfactdev", account.CreateTableServiceClient().AccountName);
        Assert.Equal(new Uri("https://stagentfactdev.queue.core.windows.net/"), account.CreateQueueServiceClient().Uri);
        Assert.Equal(new Uri("https://stagentfactdev.blob.core.windows.net/"), account.CreateBlobServiceClient().Uri);
        Assert.DoesNotContain("11111111", account.ToString(), StringComparison.Ordinal);

        var durable = new AzureStorageOptions();
        account.Configure(durable);
        durable.Validate();
        Assert.Equal("stagentfactdev", durable.AccountName);
        Assert.Same(account.Credential, durable.Credential);
        Assert.Null(durable.ConnectionString);
    }

    [Fact]
    public void FromConfiguration_ServiceUris_OverrideTheDefaultEndpoints_NoCredentialMeansDefaultAzureCredential()
    {
        FactoryStorageAccount account = FactoryStorageAccount.FromConfiguration(Settings(
            ("AzureWebJobsStorage:accountName", "st1"),
            ("AzureWebJobsStorage:tableServiceUri", "https://st1.table.core.chinacloudapi.cn")));

        Assert.Equal(new Uri("https://st1.table.core.chinacloudapi.cn"), account.TableEndpoint);
        Assert.IsType<DefaultAzureCredential>(account.Credential);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConnectionString_ClientsReachTheAccount()
    {
        FactoryStorageAccount account = AzuriteConnection.ConnectionString;
        string name = "z8probe" + Guid.NewGuid().ToString("N")[..8];
        TableClient table = account.CreateTableServiceClient().GetTableClient(name);

        await table.CreateIfNotExistsAsync();
        await table.DeleteAsync();

        Assert.False(account.IsIdentityBased);
        Assert.DoesNotContain("AccountKey", account.ToString(), StringComparison.Ordinal);
    }
}
