using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Provisioning;

public sealed class ProvisioningRegistrationTests
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddProvisioning("UseDevelopmentStorage=true", "x");
        // Never called: these tests only build the host.
        builder.Services.AddSingleton<IContainerRuntime>(new FailingContainerRuntime(null!));
        return builder;
    }

    [Fact]
    public void AddProvisioning_Configured_BindsOptionsAndResolvesEveryPart()
    {
        using IHost host = Builder(new()
        {
            ["AgentFactory:Provisioning:AgentCommand:0"] = "/usr/bin/dotnet",
            ["AgentFactory:Provisioning:AgentCommand:1"] = "/opt/agent/AgentFactory.AgentRuntime.dll",
            ["AgentFactory:Provisioning:AlertQueueName"] = "ops-alerts",
            ["AgentFactory:Monitoring:Period"] = "00:00:05",
        }).Build();

        Assert.Equal(["/usr/bin/dotnet", "/opt/agent/AgentFactory.AgentRuntime.dll"], host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AgentCommand);
        Assert.Equal("ops-alerts", host.Services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.AlertQueueName);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<AgentMonitorOptions>>().Value.Period);
        Assert.Equal("xAgentHealth", host.Services.GetRequiredService<MonitoringTable>().Table.Name);
        Assert.NotNull(host.Services.GetRequiredService<ProvisioningPlanner>());
        Assert.Equal(4, host.Services.GetServices<IProvisioningStep>().Select(s => s.Kind).Distinct().Count());
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is AgentMonitor);
    }

    [Fact(Timeout = 30_000)]
    public async Task AddProvisioning_NoAgentCommand_HostRefusesToStart()
    {
        using IHost host = Builder([]).Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("AgentCommand", error.Message, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData(null, false)]
    [InlineData("0b8e6a1c-2d4f-4e6a-9c1b-7f3e5d2a4b6c", true)]
    public void AddProvisioning_IdentityBasedStorage_NeedsTheAgentsIdentity(string? clientId, bool valid)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentFactory:Provisioning:AgentCommand:0"] = "/usr/bin/dotnet",
            ["AgentFactory:Provisioning:AgentIdentityClientId"] = clientId,
        });
        builder.Services.AddProvisioning(FactoryStorageAccount.FromIdentity("stfactory", new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)), "x");
        using IHost host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<ProvisioningOptions>>();
        if (valid)
        {
            Assert.Equal(clientId, options.Value.AgentIdentityClientId);
        }
        else
        {
            var error = Assert.Throws<OptionsValidationException>(() => options.Value);
            Assert.Contains("AgentFactory:Provisioning:AgentIdentityClientId", error.Message, StringComparison.Ordinal);
        }
    }
}
