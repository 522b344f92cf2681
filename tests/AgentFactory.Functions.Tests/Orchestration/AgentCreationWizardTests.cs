using System.Diagnostics;
using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Durable.Replay;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>
/// The interactive wizard through the facade, on the engine (in memory), Azurite, the real bubblewrap runtime, the real
/// sandbox service and the real provisioner: the agent program runs in the sandbox and then as the deployed agent.
/// </summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentCreationWizardTests(SandboxFixture sandbox, FactoryEnvironment env, ITestOutputHelper output) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 300_000)]
    public async Task Wizard_MemoryTemplateEndToEnd_CompletesWithAnOrderedEventLog()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("notes");
        var stopwatch = Stopwatch.StartNew();

        CreateAgentResult created = await host.Service.CreateAsync(tenant, new CreateAgentRequest());
        Assert.Equal(CreateOutcome.Created, created.Outcome);
        string id = created.DeploymentId!;

        // 1. choose template: nothing else is taken yet.
        DeploymentView step1 = await host.WaitForInputAsync(tenant, id, WizardStep.ChooseTemplate);
        Assert.Equal([WizardEvents.TemplateChosen, WizardEvents.Reset, WizardEvents.Cancel], step1.Creation!.WaitingFor);
        SubmitResult early = await host.Service.SubmitAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(FactoryHost.Configuration("tmpl-memory", name, "x")));
        Assert.Equal(SubmitOutcome.Conflict, early.Outcome);
        Assert.StartsWith("The deployment is at step 1 (chooseTemplate), which does not accept ConfigurationSubmitted", early.Reason, StringComparison.Ordinal);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.TemplateChosen, FactoryHost.Payload(new { templateId = "tmpl-memory" }));

        // 2. configure: an invalid configuration stays here with its errors at their pointers.
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);
        AgentConfiguration valid = FactoryHost.Configuration("tmpl-memory", name, "s3cret-" + Guid.NewGuid().ToString("N"));
        AgentConfiguration invalid = valid with { Name = "Not_A_Name", Resources = valid.Resources with { CpuCores = 3m } };
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(invalid));
        DeploymentView rejected = await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.ValidationErrors.Count > 0);
        Assert.Contains(rejected.Creation!.ValidationErrors, e => e is { Pointer: "/resources/cpuCores", Code: "resources.cpu.notAllowed" });
        Assert.Contains(rejected.Creation.ValidationErrors, e => e is { Pointer: "/name", Code: "name.format" });
        Assert.Equal(DeploymentStatus.Configuring, rejected.Status);

        // 3. the corrected one: validated, estimated, tested in the sandbox; 4. waits for approval.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(valid));
        DeploymentView tested = await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        AgentCreationStatus status = tested.Creation!;
        Assert.Empty(status.ValidationErrors);
        Assert.Equal(name, status.AgentName);
        Assert.True(status.Sandbox!.Passed, status.Sandbox.Failure);
        Assert.All(status.Sandbox.Tasks, t => Assert.True(t.Passed || t.Skipped, t.Failure));
        Assert.Contains(status.Sandbox.Tasks, t => t.Passed);
        Assert.True(status.CostEstimate!.MonthlyUsd > 0);
        Assert.NotEmpty(status.CostEstimate!.Lines);
        Assert.Equal([WizardEvents.ProvisioningApproved, WizardEvents.SandboxRequested, WizardEvents.Back, WizardEvents.Reset, WizardEvents.Cancel], status.WaitingFor);
        Assert.Equal(status.CostEstimate.MonthlyUsdExact, tested.MonthlyCostUsd);
        Assert.Single(await new SandboxTestTable(env.FactoryTables).ListAsync(id));
        Assert.Null(await sandbox.Runtime.GetAsync(AgentFactory.Functions.Sandbox.SandboxService.ContainerName(id)));

        // 4. provision; 5. review: the resources exist.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        DeploymentView review = await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        Assert.Equal(DeploymentStatus.AwaitingConfirmation, review.Status);
        Assert.Equal(["queue", "queue", "blobContainer", "table", "container", "healthCheck", "alertRule"], review.Creation!.Resources.Select(r => r.Kind));
        ExistingResources existing = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.Equal(2, existing.Queues.Length);
        Assert.Single(existing.BlobContainers);
        Assert.Single(existing.Tables);
        Assert.Equal(2, existing.MonitoringRows.Length);
        Assert.NotNull(existing.Container);
        // No agent runs before the person confirms: the container is prepared, not started.
        Assert.Equal(ContainerState.Created, (await sandbox.Runtime.GetStatusAsync(existing.Container!)).State);

        // 6. confirm: the agent runs, is healthy, and its first task succeeds.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.DeploymentConfirmed);
        DeploymentView done = await host.WaitForEndAsync(tenant, id);
        output.WriteLine($"wizard end to end (people answering at once): {stopwatch.Elapsed.TotalSeconds:0.0} s");
        status = done.Creation!;
        Assert.True(status.State == CreationStates.Completed, $"{status.State}: {status.Error} {status.Message}");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal((DeploymentStatus.Succeeded, 100), (done.Status, done.Progress));
        Assert.NotNull(done.CompletedAt);
        Assert.True(status.Health!.Healthy);
        Assert.NotNull(status.Health.HeartbeatAt);
        Assert.True(status.FirstTask is { Done: true, Succeeded: true, TemplateTaskId: "remember-then-recall" }, status.FirstTask?.Failure);
        Assert.Equal(ContainerState.Running, (await sandbox.Runtime.GetStatusAsync(existing.Container!)).State);
        Assert.Equal("Active", (await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name))!.State);

        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, id);
        Surfaces.AssertComplete(events);
        Surfaces.AssertInOrder(events,
            DeploymentEventTypes.Created, DeploymentEventTypes.WaitingForInput, DeploymentEventTypes.InputReceived, DeploymentEventTypes.TemplateChosen,
            DeploymentEventTypes.WaitingForInput, DeploymentEventTypes.ValidationFailed, DeploymentEventTypes.WaitingForInput,
            DeploymentEventTypes.ConfigurationValid, DeploymentEventTypes.CostEstimated, DeploymentEventTypes.StepStarted, DeploymentEventTypes.SandboxResult,
            DeploymentEventTypes.WaitingForInput, DeploymentEventTypes.StepStarted, DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.ResourceProvisioned,
            DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.WaitingForInput,
            DeploymentEventTypes.StepStarted, DeploymentEventTypes.AgentStarted, DeploymentEventTypes.HealthChecked, DeploymentEventTypes.FirstTaskSent,
            DeploymentEventTypes.FirstTaskChecked, DeploymentEventTypes.AgentActivated, DeploymentEventTypes.Completed);
        Assert.Equal(status.LastEventSequence, events[^1].Sequence);
        // From the valid configuration on, progress only grows.
        int validAt = events.Select((e, i) => (e, i)).Last(x => x.e.Type == DeploymentEventTypes.ConfigurationValid).i;
        Assert.Equal(events.Skip(validAt).Select(e => e.Progress).Order(), events.Skip(validAt).Select(e => e.Progress));
        Assert.Equal(100, events[^1].Progress);
        output.WriteLine(string.Join("\n", events.Select(e => $"{e.Sequence,3} {e.Time:HH:mm:ss.fff} step {e.Step} {e.Progress,3}% {e.Type}: {e.Message}")));

        // The history replays against the current code (determinism).
        ReplayResult replay = new Replayer(new DurableTaskRegistry().RegisterAgentCreation()).Replay(await HistoryExport.ExportAsync(host.Client, id));
        Assert.True(replay.IsDeterministic, replay.Message);

        await host.RemoveAgentAsync(tenant, id, valid);
    }
}
