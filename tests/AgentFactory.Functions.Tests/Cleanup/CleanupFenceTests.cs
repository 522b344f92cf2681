using System.Runtime.Versioning;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Orchestration.Cleanup;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Cleanup;

/// <summary>
/// The fence: an activity of a terminated creation that runs after the clean-up began (it was already running when the
/// creation was terminated) undoes what it made, so it cannot leave it behind the clean-up.
/// </summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CleanupFenceTests(SandboxFixture sandbox, FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    private sealed class Call(string instanceId) : TaskActivityContext
    {
        public override string Name => AgentCreationActivities.ProvisionStep;

        public override string InstanceId => instanceId;

        public override int TaskId => 1;
    }

    [Fact(Timeout = 300_000)]
    public async Task ProvisionStep_AfterTheCleanupMarkedTheDeployment_RemovesWhatItMadeAndFails()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("late");
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(
            Configuration: FactoryHost.Json(FactoryHost.Configuration("tmpl-blank", name, "s3cret"))))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        DeploymentTable deployments = host.Services.GetRequiredService<DeploymentTable>();
        DeploymentRecord record = (await deployments.GetAsync(tenant, id))!;
        // What BeginCleanup does before removing anything.
        await deployments.UpdateAsync(record, record with { CleanupStartedAt = DateTimeOffset.UtcNow });

        var work = new AgentWork(new ProgressTicket(tenant, id, 10_000, 4, "provision", 60), record.ConfigurationJson, null, record.TemplateId, record.TemplateVersion);
        var activity = ActivatorUtilities.CreateInstance<ProvisionStepActivity>(host.Services);
        await Assert.ThrowsAsync<CleanupBegunException>(() =>
            activity.RunAsync(new Call(id), new ProvisionStepInput(work, ProvisioningStepKind.Container), CancellationToken.None));

        Assert.Null(await sandbox.Runtime.GetAsync(AgentResourceNames.For(tenant, name).Container));
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel);
        await host.WaitForEndAsync(tenant, id);
        Assert.True((await env.ListAsync(tenant, name, sandbox.Runtime)).Nothing);
    }
}
