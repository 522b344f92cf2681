using AgentFactory.Core.Validation;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Azure;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>AgentFactory:Containers:Provider picks the runtime; a wrong or incomplete setting fails the start, naming it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerProviderTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging();
        services.AddFactoryContainers(configuration);
        services.AddFactorySandbox("UseDevelopmentStorage=true");
        return services.BuildServiceProvider();
    }

    [Fact(Timeout = 30_000)]
    public async Task Provider_Unset_IsTheLocalRuntime()
    {
        await using ServiceProvider services = Build();

        Assert.IsType<BubblewrapContainerRuntime>(services.GetRequiredService<IContainerRuntime>());
    }

    [Fact]
    public void Provider_AzureContainerInstances_IsTheAciRuntimeWithRegionalCapacity()
    {
        using ServiceProvider services = Build(
            ("AgentFactory:Containers:Provider", "AzureContainerInstances"),
            ("AgentFactory:Containers:Aci:SubscriptionId", ArmStub.Subscription),
            ("AgentFactory:Containers:Aci:ResourceGroup", ArmStub.ResourceGroup),
            ("AgentFactory:Containers:Aci:Location", "westeurope"));

        Assert.IsType<ContainerInstancesRuntime>(services.GetRequiredService<IContainerRuntime>());
        Assert.IsType<ContainerInstancesCapacityProvider>(services.GetRequiredService<ICapacityProvider>());
        Assert.Equal("westeurope", services.GetRequiredService<IOptions<ContainerInstancesOptions>>().Value.Location);
    }

    [Fact]
    public void Provider_AciWithoutResourceGroup_FailsNamingTheSetting()
    {
        using ServiceProvider services = Build(
            ("AgentFactory:Containers:Provider", "AzureContainerInstances"),
            ("AgentFactory:Containers:Aci:SubscriptionId", ArmStub.Subscription),
            ("AgentFactory:Containers:Aci:Location", "westeurope"));

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IContainerRuntime>());
        Assert.Contains("AgentFactory:Containers:Aci", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceGroup", new ContainerInstancesOptions { SubscriptionId = "s", Location = "l" }.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_Unknown_FailsNamingTheChoices()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Build(("AgentFactory:Containers:Provider", "Kubernetes")));

        Assert.Contains("AgentFactory:Containers:Provider 'Kubernetes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureContainerInstances", error.Message, StringComparison.Ordinal);
    }
}
