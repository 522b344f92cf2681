using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Azure;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Tests.Containers.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>The real app with AgentFactory:Containers:Provider = AzureContainerInstances (nothing is called in Azure).</summary>
public sealed class ContainerInstancesApp : FactoryApp
{
    public const string Image = "factory.azurecr.io/agent-runtime:2.1";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:Containers:Provider", "AzureContainerInstances"),
        new("AgentFactory:Containers:Aci:SubscriptionId", ArmStub.Subscription),
        new("AgentFactory:Containers:Aci:ResourceGroup", ArmStub.ResourceGroup),
        new("AgentFactory:Containers:Aci:Location", "westeurope"),
        new("AgentFactory:Provisioning:AgentImage", Image),
    ];
}

/// <summary>On Container Instances, agents and sandboxes run the program from the agent image, and sandboxes carry their test endpoint.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerInstancesWiringTests(ContainerInstancesApp app) : IClassFixture<ContainerInstancesApp>
{
    [Fact]
    public void App_OnContainerInstances_SandboxesRunTheImageWithTheEndpointAsASidecar_AgentsMountNothing()
    {
        IServiceProvider services = app.Services;
        Assert.IsType<ContainerInstancesRuntime>(services.GetRequiredService<IContainerRuntime>());
        Assert.IsType<SandboxEndpointSidecar>(services.GetRequiredService<ISandboxEndpoint>());

        SandboxOptions sandbox = services.GetRequiredService<SandboxOptions>();
        Assert.Equal(ContainerInstancesApp.Image, sandbox.Image);
        Assert.Empty(sandbox.ProgramMounts());

        ProvisioningOptions provisioning = services.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
        Assert.Empty(provisioning.AgentMounts);
        Assert.Equal([.. sandbox.ProgramCommand("service", "--config", ProvisioningOptions.ConfigurationPath)], provisioning.AgentCommand);
    }

    [Fact]
    public void App_Locally_SandboxesAndAgentsMountTheAppsCopyOfTheProgram()
    {
        // The default app of the other hosting tests, for contrast: the local runtime and the host's endpoint process.
        var local = new SandboxOptions();
        Assert.Equal([new ContainerMount(local.RuntimeDirectory, SandboxOptions.RuntimeMountPath)], local.ProgramMounts());
        Assert.Empty(new SandboxOptions { Image = ContainerInstancesApp.Image }.ProgramMounts());
    }
}
