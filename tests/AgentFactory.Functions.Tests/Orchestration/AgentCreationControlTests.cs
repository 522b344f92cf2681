using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>Back, reset, cancel and secrets in the interactive wizard (real runtime, sandbox, provisioner).</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentCreationControlTests(SandboxFixture sandbox, FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 300_000)]
    public async Task Wizard_BackAndReset_ReturnToEarlierStepsUndoingProvisioningAndReleasingTheName()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("echo");
        AgentConfiguration blank = FactoryHost.Configuration("tmpl-blank", name, "s3cret");
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-memory"))).DeploymentId!;

        // Template given at start: step 1 is skipped; back from 2 goes to it; step 1 has nothing to go back to.
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.TemplateId == "tmpl-memory");
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Back);
        DeploymentView step1 = await host.WaitForInputAsync(tenant, id, WizardStep.ChooseTemplate);
        Assert.DoesNotContain(WizardEvents.Back, step1.Creation!.WaitingFor);
        Assert.Equal(SubmitOutcome.Conflict, (await host.Service.SubmitAsync(tenant, id, WizardEvents.Back)).Outcome);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.TemplateChosen, FactoryHost.Payload(new { templateId = "tmpl-blank" }));
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.TemplateId == "tmpl-blank");
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(blank));
        string firstRun = (await host.WaitForInputAsync(tenant, id, WizardStep.Provision)).Creation!.Sandbox!.TestId;

        // The sandbox can be run again before approving.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.SandboxRequested);
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision, c => c.Sandbox!.TestId != firstRun);
        Assert.Equal(2, (await new SandboxTestTable(env.FactoryTables).ListAsync(id)).Count);

        // Back from approval: configure again (the same configuration passes again).
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Back);
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(blank));
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        DeploymentView review = await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        Assert.Equal(6, review.Creation!.Resources.Count);
        Assert.False((await env.ListAsync(tenant, name, sandbox.Runtime)).Nothing);

        // Back from review: what provisioning made is removed, in reverse order, and approval is asked again.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Back);
        DeploymentView again = await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        Assert.Empty(again.Creation!.Resources);
        Assert.Equal(["healthCheck", "alertRule", "container", "blobContainer", "queue", "queue"], again.Creation.CleanedUp.Select(r => r.Kind));
        ExistingResources afterBack = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(afterBack.Nothing, afterBack.ToString());
        Assert.NotNull(await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name));

        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        Assert.False((await env.ListAsync(tenant, name, sandbox.Runtime)).Nothing);

        // Reset: everything goes, the name and the secrets too, and the wizard starts again with the template it was started with.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Reset, FactoryHost.Payload(new { reason = "start over" }));
        DeploymentView reset = await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.TemplateId == "tmpl-memory");
        Assert.Null(reset.Creation!.AgentName);
        Assert.Null(reset.Creation.Sandbox);
        Assert.Null(reset.Creation.CostEstimate);
        Assert.Empty(reset.Creation.Resources);
        ExistingResources afterReset = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(afterReset.Nothing, afterReset.ToString());
        Assert.Null(await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name));
        Assert.Equal(0, await Surfaces.CountAsync(env.SecretsTable, id));

        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel);
        Assert.Equal(CreationStates.Cancelled, (await host.WaitForEndAsync(tenant, id)).Creation!.State);
        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, id);
        Surfaces.AssertComplete(events);
        Surfaces.AssertInOrder(events, DeploymentEventTypes.WentBack, DeploymentEventTypes.TemplateChosen, DeploymentEventTypes.SandboxResult,
            DeploymentEventTypes.SandboxResult, DeploymentEventTypes.WentBack, DeploymentEventTypes.ConfigurationValid, DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.ResourceDeprovisioned,
            DeploymentEventTypes.WentBack, DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.Released,
            DeploymentEventTypes.Reset, DeploymentEventTypes.Cancelled, DeploymentEventTypes.Compensated);
    }

    [Fact(Timeout = 300_000)]
    public async Task Wizard_CancelAfterProvisioning_DeprovisionsEverythingInReverseAndSaysWhatWasCleanedUp()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("recall");
        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-memory", name, "s3cret");
        // Interactive, with template and configuration given at start: the wizard stops first at approval.
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(Configuration: FactoryHost.Json(configuration)))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        ExistingResources before = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.Equal((2, 1, 1, 2), (before.Queues.Length, before.BlobContainers.Length, before.Tables.Length, before.MonitoringRows.Length));
        Assert.NotNull(before.Container);

        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel, FactoryHost.Payload(new { reason = "changed my mind" }));
        DeploymentView done = await host.WaitForEndAsync(tenant, id);

        AgentCreationStatus status = done.Creation!;
        Assert.Equal(CreationStates.Cancelled, status.State);
        Assert.Equal(DeploymentStatus.Cancelled, done.Status);
        Assert.Empty(status.Resources);
        Assert.Empty(status.NotCleanedUp);
        Assert.Equal(["healthCheck", "alertRule", "container", "table", "blobContainer", "queue", "queue", "agentName", "secrets"],
            status.CleanedUp.Select(r => r.Kind));
        Assert.All(status.CleanedUp.Take(7), r => Assert.Equal("deleted", r.Change));
        Assert.Contains("Cancelled at step 5 (review): changed my mind", status.Message, StringComparison.Ordinal);
        Assert.Contains($"container {before.Container}", status.Message, StringComparison.Ordinal);
        ExistingResources after = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Null(await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name));
        Assert.Equal(0, await Surfaces.CountAsync(env.SecretsTable, id));

        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, id);
        Surfaces.AssertComplete(events);
        Assert.Equal([DeploymentEventTypes.Cancelled, DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.ResourceDeprovisioned,
            DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.Released, DeploymentEventTypes.Compensated],
            events.SkipWhile(e => e.Type != DeploymentEventTypes.Cancelled).Select(e => e.Type));
        SubmitResult late = await host.Service.SubmitAsync(tenant, id, WizardEvents.DeploymentConfirmed);
        Assert.Equal(SubmitOutcome.Conflict, late.Outcome);
        Assert.Contains("has finished", late.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Automation_CancelledWhileItWorks_StopsAfterTheRunningActivityAndCleansUp()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("stop");
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(
            Configuration: FactoryHost.Json(FactoryHost.Configuration("tmpl-orchestration", name, "s3cret")), Automation: true))).DeploymentId!;
        // Cancel is taken while the deployment works (here: from its start, whatever it is doing).
        await host.WaitForAsync(tenant, id, v => v.Creation is { Step.Number: >= 3 }, "the sandbox step");
        SubmitResult cancel = await host.Service.SubmitAsync(tenant, id, WizardEvents.Cancel, FactoryHost.Payload(new { reason = "wrong agent" }));
        Assert.Equal(SubmitOutcome.Accepted, cancel.Outcome);
        Assert.Equal(SubmitOutcome.Conflict, (await host.Service.SubmitAsync(tenant, id, WizardEvents.Back)).Outcome);

        DeploymentView done = await host.WaitForEndAsync(tenant, id);

        Assert.True(done.Creation!.State == CreationStates.Cancelled, $"{done.Creation.State}: {done.Creation.Message}");
        Assert.Contains("wrong agent", done.Creation.Message, StringComparison.Ordinal);
        Assert.Null(done.Creation.FirstTask);
        ExistingResources after = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Null(await sandbox.Runtime.GetAsync(AgentFactory.Functions.Sandbox.SandboxService.ContainerName(id)));
        Assert.Null(await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name));
        Surfaces.AssertComplete(await Surfaces.EventsAsync(host, tenant, id));
    }

    [Fact(Timeout = 300_000)]
    public async Task Wizard_PlantedSecret_NeverInHistoryStatusEventsRowsOrLogs_ButReachesTheContainer()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("crm");
        string secret = "planted-" + Guid.NewGuid().ToString("N");
        AgentConfiguration valid = FactoryHost.Configuration("tmpl-api", name, secret);
        AgentConfiguration invalid = valid with { Settings = ((ApiSettings)valid.Settings) with { BaseUrl = "ftp://example.com" } };
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-api"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);

        // An invalid submission with the secret, then a corrected one that keeps the stored secret by sending "***".
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(invalid));
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.ValidationErrors.Any(e => e.Pointer == "/settings/baseUrl"));
        AgentConfiguration kept = valid with
        {
            Advanced = valid.Advanced with { Environment = [.. valid.Advanced.Environment.Select(v => v.Secret ? v with { Value = EnvironmentVariable.RedactedValue } : v)] },
        };
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(kept));
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        await host.WaitForInputAsync(tenant, id, WizardStep.Review);

        // The container was given the secret (as a secret variable); nothing else holds it.
        ContainerInfo container = (await sandbox.Runtime.GetAsync(AgentResourceNames.For(tenant, name).Container))!;
        Assert.Contains("API_TOKEN", container.SecretEnvironmentNames);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel);
        await host.WaitForEndAsync(tenant, id);
        await Surfaces.AssertNowhereAsync(host, tenant, id, secret);
        Assert.Contains(env.Logs.Messages, m => m.Contains(id, StringComparison.Ordinal));
    }
}
