using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Cleanup;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Cleanup;

/// <summary>The clean-up is durable on its own: a route that dies after scheduling it, before terminating, still stops the creation and cleans up.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CleanupDurabilityTests(SandboxFixture sandbox, FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 300_000)]
    public async Task TerminateHook_WithoutTheTerminate_StillTerminatesTheCreationAndCleansUp()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("crash");
        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-memory", name, "s3cret");
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(Configuration: FactoryHost.Json(configuration)))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        Assert.False((await env.ListAsync(tenant, name, sandbox.Runtime)).Nothing);

        // What the terminate route does first; then "the process dies": the terminate itself is never sent.
        OrchestrationMetadata creation = (await host.Client.GetInstanceAsync(id))!;
        await host.Services.GetRequiredService<AgentCleanupService>().BeforeTerminateAsync(creation, "crashed route", CancellationToken.None);

        DeploymentView done = await host.WaitForAsync(tenant, id, v => v.Cleanup is { State: "completed" }, "the clean-up to complete");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal(DeploymentStatus.Terminated, done.Status);
        Assert.Equal("crashed route", done.Cleanup!.Reason);
        Assert.Empty(done.Cleanup.NotCleanedUp);
        Assert.Equal(["healthCheck", "alertRule", "container", "table", "blobContainer", "queue", "queue", "agentName", "secrets"],
            done.Cleanup.CleanedUp.Select(r => r.Kind));
        ExistingResources after = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Equal(0, await Surfaces.CountAsync(env.SecretsTable, id));
        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, id);
        Surfaces.AssertComplete(events);
        Assert.Equal(DeploymentEventTypes.CleanedUp, events[^1].Type);
        Assert.Equal(done.Cleanup.Message, events[^1].Message);

        // The clean-up instance is the deployment's. Run again (the engine replaces a finished instance), it replays its
        // recorded work: the same result, no new event.
        using var deadline = new CancellationTokenSource(FactoryHost.Timeout);
        string cleanupId = AgentCleanupOrchestrator.InstanceIdOf(id);
        OrchestrationMetadata first = await host.Client.WaitForInstanceCompletionAsync(cleanupId, getInputsAndOutputs: true, deadline.Token);
        Assert.Equal(tenant, first.Tags!["tenant"]);
        await host.Services.GetRequiredService<AgentCleanupService>().BeforeTerminateAsync(creation, "again", CancellationToken.None);
        await host.Client.WaitForInstanceStartAsync(cleanupId, cancellationToken: deadline.Token);
        OrchestrationMetadata second = await host.Client.WaitForInstanceCompletionAsync(cleanupId, getInputsAndOutputs: true, deadline.Token);
        Assert.Equal(first.SerializedOutput, second.SerializedOutput);
        Assert.Equal(events.Count, (await Surfaces.EventsAsync(host, tenant, id)).Count);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(done.Cleanup), System.Text.Json.JsonSerializer.Serialize((await host.Service.GetStatusAsync(tenant, id))!.Cleanup));
    }

    [Fact(Timeout = 300_000)]
    public async Task TerminateHook_CreationThatEndedOnItsOwn_IsLeftAlone()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-blank"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);
        OrchestrationMetadata running = (await host.Client.GetInstanceAsync(id))!;
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel);
        await host.WaitForEndAsync(tenant, id);

        // The route looked while it ran; the creation then cancelled itself before the terminate: nothing is touched.
        await host.Services.GetRequiredService<AgentCleanupService>().BeforeTerminateAsync(running, "late", CancellationToken.None);
        using var deadline = new CancellationTokenSource(FactoryHost.Timeout);
        OrchestrationMetadata cleanup = await host.Client.WaitForInstanceCompletionAsync(AgentCleanupOrchestrator.InstanceIdOf(id), getInputsAndOutputs: true,
            deadline.Token);
        Assert.Contains("ended on its own", cleanup.SerializedOutput, StringComparison.Ordinal);
        DeploymentView view = (await host.Service.GetStatusAsync(tenant, id))!;
        Assert.Equal(DeploymentStatus.Cancelled, view.Status);
        Assert.Null(view.Cleanup);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, view.RuntimeStatus);
    }
}
