using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>AddAgentCreation: options bound from configuration and checked when the host starts.</summary>
public sealed class AgentCreationRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings) => new HostBuilder()
        .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
        .ConfigureServices(s => s.AddAgentCreation(AzuriteConnection.ConnectionString, "reg"))
        .Build();

    [Fact(Timeout = 30_000)]
    public async Task AddAgentCreation_Settings_AreBoundFromConfiguration()
    {
        using IHost host = Build(new()
        {
            ["AgentFactory:AgentCreation:HumanStepTimeout"] = "02:00:00",
            ["AgentFactory:AgentCreation:Region"] = "westeurope",
            ["AgentFactory:Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["AgentFactory:Sandbox:RunTimeout"] = "00:01:00",
        });
        await host.StartAsync();

        AgentCreationOptions options = host.Services.GetRequiredService<IOptions<AgentCreationOptions>>().Value;
        Assert.Equal((TimeSpan.FromHours(2), "westeurope"), (options.HumanStepTimeout, options.Region));
        Assert.Equal(TimeSpan.FromHours(2), options.ToSettings().HumanStepTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<SandboxOptions>().RunTimeout);
        Assert.IsType<TableSecretStore>(host.Services.GetRequiredService<ISecretStore>());
        await host.StopAsync();
    }

    [Theory(Timeout = 30_000)]
    [InlineData(null, "AgentFactory:Secrets:Key")]
    [InlineData("c2hvcnQ=", "AgentFactory:Secrets:Key")]
    public async Task AddAgentCreation_NoUsableSecretKey_FailsAtStartSayingWhatToSet(string? key, string named)
    {
        using IHost host = Build(new() { ["AgentFactory:Secrets:Key"] = key });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task AddAgentCreation_IntervalLongerThanItsTimeout_FailsAtStart()
    {
        using IHost host = Build(new()
        {
            ["AgentFactory:Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["AgentFactory:AgentCreation:HealthCheckInterval"] = "00:10:00",
        });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("AgentFactory:AgentCreation", error.Message, StringComparison.Ordinal);
    }
}
