using System.Text;
using System.Text.Json.Nodes;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Containers.Azure;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>The container step on Container Instances (ARM stub): the configuration reaches the group through its spec.</summary>
public sealed class AciContainerStepTests : IAsyncLifetime
{
    private const string Secret = "s3cret-" + "aci-0123456789";
    private ArmStub _stub = null!;

    public async Task InitializeAsync() => _stub = await ArmStub.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    [Fact(Timeout = 30_000)]
    public async Task ApplyAsync_OnContainerInstances_GroupGetsRedactedConfigAsSecretVolumeWhereAgentConfigPoints()
    {
        var options = new ProvisioningOptions
        {
            AgentImage = "factory.azurecr.io/agent-runtime:1.0",
            AgentCommand = { "dotnet", "/app/AgentFactory.AgentRuntime.dll", "service", "--config", ProvisioningOptions.ConfigurationPath },
        };
        ProvisioningPlan plan = new ProvisioningPlanner(Options.Create(options), new ProvisioningStorage("UseDevelopmentStorage=true")).Plan(
            "tenant-" + Guid.NewGuid().ToString("N")[..8], "dep-1", ProvisioningFixture.Configuration("tmpl-data", "aci-agent", Secret), ProvisioningFixture.Template("tmpl-data"));
        var step = new ContainerStep(new AciRuntimeHarness(_stub).Runtime);

        StepOutcome outcome = await step.ApplyAsync(plan);
        StepOutcome again = await step.ApplyAsync(plan);

        Assert.Equal(ResourceChange.Created, Assert.Single(outcome.Resources).Change);
        Assert.Equal(ResourceChange.Existed, Assert.Single(again.Resources).Change);
        Assert.Equal("true", (string?)_stub.Group(plan.Names.Container)!["tags"]!["agentfactory-started"]);
        JsonNode body = Assert.Single(_stub.Requests, r => r.Method == "PUT").Json!;
        JsonNode container = body["properties"]!["containers"]![0]!["properties"]!;
        string agentConfig = (string)container["environmentVariables"]!.AsArray().Single(v => (string?)v!["name"] == "AGENT_CONFIG")!["value"]!;
        JsonNode mount = Assert.Single(container["volumeMounts"]!.AsArray())!;
        Assert.Equal(Path.GetDirectoryName(agentConfig), (string?)mount["mountPath"]);
        JsonNode volume = body["properties"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
        string file = (string)volume["secret"]![Path.GetFileName(agentConfig)]!;
        string config = Encoding.UTF8.GetString(Convert.FromBase64String(file));
        Assert.Equal(plan.RedactedConfigurationJson, config);
        Assert.Contains("\"value\":\"***\"", config, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, config, StringComparison.Ordinal);
        string tags = string.Join('\n', body["tags"]!.AsObject().Select(t => t.Key + "=" + (string?)t.Value));
        Assert.DoesNotContain(file, tags, StringComparison.Ordinal);
        Assert.DoesNotContain("***", tags, StringComparison.Ordinal);
    }
}
