using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>
/// The agents' own storage account (<c>AgentFactory:Provisioning:Storage</c>) as the app's wiring reads it: unset, a
/// connection string, or identity-based; what provisioning uses, what agents are given, and where monitoring stays.
/// Builds the host only: nothing here talks to storage.
/// </summary>
public sealed class AgentsAccountTests
{
    private const string Factory = "UseDevelopmentStorage=true";

    // Any valid account key: nothing is signed here.
    private const string AgentsConnection = "DefaultEndpointsProtocol=http;AccountName=agentsaccount;AccountKey=" + TestKey
        + ";BlobEndpoint=http://127.0.0.1:10000/agentsaccount;QueueEndpoint=http://127.0.0.1:10001/agentsaccount;TableEndpoint=http://127.0.0.1:10002/agentsaccount;";

    private const string TestKey = "WnDQvtyuPedPrJDdnSq+5wsAjixN5359XSBWZdVQQngd0k448YRhc6lJRx2ObKkrU21KEdQ9E53l3rgf8NG8IA==";
    private const string AgentsClientId = "0b8e6a1c-2d4f-4e6a-9c1b-7f3e5d2a4b6c";

    /// <summary>The app's orchestration wiring (which reads the setting) over <paramref name="factory"/>, built, not started.</summary>
    private static IHost Host(FactoryStorageAccount factory, Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAgentFactoryOrchestrations(builder.Configuration, factory);
        // Never called: the plan is pure and nothing here is started.
        builder.Services.AddSingleton<IContainerRuntime>(new FailingContainerRuntime(null!));
        return builder.Build();
    }

    private static Dictionary<string, ContainerEnvironmentVariable> PlanEnvironment(IHost host) => host.Services.GetRequiredService<ProvisioningPlanner>()
        .Plan("tenant-a", "dep-1", ProvisioningFixture.Configuration("tmpl-memory", "notes-agent", "s3cret"), ProvisioningFixture.Template("tmpl-memory"))
        .Container.Environment.ToDictionary(e => e.Name);

    [Fact]
    public void Unset_AgentsUseTheFactoryAccount()
    {
        using IHost host = Host(Factory, []);

        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<ProvisioningStorage>().Queues.AccountName);
        Assert.Equal(Factory, host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AgentStorageConnection);
        Assert.Equal(new ContainerEnvironmentVariable("AGENT_STORAGE", Factory, IsSecret: true), PlanEnvironment(host)["AGENT_STORAGE"]);
    }

    [Fact]
    public void ConnectionString_AgentsResourcesAndAgentStorageThere_MonitoringOnTheFactoryAccount()
    {
        using IHost host = Host(Factory, new() { [ProvisioningOptions.StorageSetting] = AgentsConnection });

        ProvisioningStorage agents = host.Services.GetRequiredService<ProvisioningStorage>();
        Assert.Equal(["agentsaccount", "agentsaccount", "agentsaccount"], [agents.Queues.AccountName, agents.Blobs.AccountName, agents.Tables.AccountName]);
        Assert.Equal(AgentsConnection, host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AgentStorageConnection);
        Dictionary<string, ContainerEnvironmentVariable> env = PlanEnvironment(host);
        Assert.Equal(new ContainerEnvironmentVariable("AGENT_STORAGE", AgentsConnection, IsSecret: true), env["AGENT_STORAGE"]);
        Assert.Equal("http://127.0.0.1:10001/agentsaccount", env["AGENT_QUEUE_ENDPOINT"].Value);
        Assert.Equal("http://127.0.0.1:10002/agentsaccount", env["AGENT_TABLE_ENDPOINT"].Value);
        // Rows an agent must not be able to write stay where its identity has no rights.
        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<MonitoringTable>().Table.AccountName);
        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<UsageTable>().Table.AccountName);
    }

    [Fact]
    public void IdentityBased_AgentsGetThatAccountsNameEndpointsAndTheirIdentity_NeverTheFactorysConnection()
    {
        using IHost host = Host(Factory, new()
        {
            [ProvisioningOptions.StorageSetting + ":accountName"] = "stagents",
            [ProvisioningOptions.StorageSetting + ":credential"] = "managedidentity",
            [ProvisioningOptions.StorageSetting + ":clientId"] = "app-client-id",
            [ProvisioningOptions.StorageSetting + ":tableServiceUri"] = "https://tables.example.net/",
            ["AgentFactory:Provisioning:AgentIdentityClientId"] = AgentsClientId,
        });

        ProvisioningStorage agents = host.Services.GetRequiredService<ProvisioningStorage>();
        Assert.Equal(new Uri("https://stagents.queue.core.windows.net/"), agents.Queues.Uri);
        Assert.Equal(new Uri("https://tables.example.net/"), agents.Tables.Uri);
        // The factory's own account has a connection string: it must not become the agents' way in.
        Assert.Null(host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AgentStorageConnection);
        Dictionary<string, ContainerEnvironmentVariable> env = PlanEnvironment(host);
        Assert.False(env.ContainsKey("AGENT_STORAGE"));
        Assert.Equal("stagents", env["AGENT_STORAGE_ACCOUNT"].Value);
        Assert.Equal("https://stagents.queue.core.windows.net/", env["AGENT_STORAGE_QUEUE_URI"].Value);
        Assert.Equal("https://tables.example.net/", env["AGENT_STORAGE_TABLE_URI"].Value);
        Assert.Equal(AgentsClientId, env["AGENT_STORAGE_CLIENT_ID"].Value);
        Assert.Equal("devstoreaccount1", host.Services.GetRequiredService<MonitoringTable>().Table.AccountName);
    }

    [Fact]
    public void IdentityBasedWithoutTheAgentsIdentity_RefusesNamingTheSetting()
    {
        using IHost host = Host(Factory, new() { [ProvisioningOptions.StorageSetting + ":accountName"] = "stagents" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value);
        Assert.Contains("AgentFactory:Provisioning:AgentIdentityClientId", error.Message, StringComparison.Ordinal);
        Assert.Contains("stagents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FactoryIdentityBased_AgentsAccountByConnectionString_NeedsNoAgentsIdentity()
    {
        using IHost host = Host(FactoryStorageAccount.FromIdentity("stfactory", new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)),
            new() { [ProvisioningOptions.StorageSetting] = AgentsConnection });

        Assert.Equal(AgentsConnection, host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AgentStorageConnection);
        Assert.Equal("agentsaccount", host.Services.GetRequiredService<ProvisioningStorage>().Queues.AccountName);
        Assert.Equal("stfactory", host.Services.GetRequiredService<MonitoringTable>().Table.AccountName);
    }
}
