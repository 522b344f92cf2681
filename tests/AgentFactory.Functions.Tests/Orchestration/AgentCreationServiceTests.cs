using System.Text;
using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>
/// The facade and the wizard's early steps on the engine and Azurite, where no container is needed: these tests never
/// get past configure, and the runtime they are given refuses to be used.
/// </summary>
public sealed class AgentCreationServiceTests(FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 60_000)]
    public async Task Deployments_OfAnotherTenant_AreNotFound()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-blank"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);

        string other = FactoryEnvironment.NewTenant();
        Assert.Null(await host.Service.GetStatusAsync(other, id));
        Assert.Null(await host.Service.ListEventsAsync(other, id));
        Assert.Equal(SubmitOutcome.NotFound, (await host.Service.SubmitAsync(other, id, WizardEvents.Cancel)).Outcome);
        Assert.Null(await host.Service.GetStatusAsync(tenant, "dep-does-not-exist"));
        Assert.Null(await host.Service.GetStatusAsync(tenant, "bad/id"));
        Assert.NotNull(await host.Service.GetStatusAsync(tenant, id));
    }

    [Fact(Timeout = 60_000)]
    public async Task SubmitAsync_CommandTheStepDoesNotTake_ConflictNamingStepAndCommand()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest())).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.ChooseTemplate);

        SubmitResult confirm = await host.Service.SubmitAsync(tenant, id, "deploymentconfirmed");
        Assert.Equal(SubmitOutcome.Conflict, confirm.Outcome);
        Assert.Equal("The deployment is at step 1 (chooseTemplate), which does not accept DeploymentConfirmed: it waits for TemplateChosen, Reset, Cancel.",
            confirm.Reason);
        Assert.Equal(SubmitOutcome.Invalid, (await host.Service.SubmitAsync(tenant, id, "Approve")).Outcome);
        Assert.Equal(SubmitOutcome.Invalid, (await host.Service.SubmitAsync(tenant, id, WizardEvents.TemplateChosen, FactoryHost.Payload(new { id = 1 }))).Outcome);

        // An unknown template keeps the wizard at step 1 with the reason.
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.TemplateChosen, FactoryHost.Payload(new { templateId = "tmpl-nope" }));
        DeploymentView unknown = await host.WaitForInputAsync(tenant, id, WizardStep.ChooseTemplate, c => c.ValidationErrors.Count > 0);
        ValidationErrorInfo error = Assert.Single(unknown.Creation!.ValidationErrors);
        Assert.Equal(("/templateId", "template.unknown"), (error.Pointer, error.Code));
        Assert.Contains("tmpl-memory", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Wizard_EventsForAnotherStepOrMalformed_AreIgnoredAndLogged()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-blank"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);

        // Raised past the facade (the management API can): meant for another step, not taken here, no payload, not an object.
        await host.Client.RaiseEventAsync(id, WizardEvents.ConfigurationSubmitted, new WizardInput { AtStep = 4 });
        await host.Client.RaiseEventAsync(id, WizardEvents.DeploymentConfirmed, new WizardInput());
        await host.Client.RaiseEventAsync(id, WizardEvents.ProvisioningApproved);
        await host.Client.RaiseEventAsync(id, WizardEvents.TemplateChosen, "tmpl-api");
        await host.WaitForAsync(tenant, id, v => v.Creation!.LastEventSequence >= 7 && v.Creation.State == CreationStates.WaitingForInput, "four ignored events");

        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, id);
        List<DeploymentEvent> ignored = [.. events.Where(e => e.Type == DeploymentEventTypes.InputIgnored)];
        // Events that are there together are taken in WizardEvents.All order, not necessarily the order they were raised.
        Assert.Equal(4, ignored.Count);
        Assert.Contains(ignored, e => e.Message.StartsWith("ConfigurationSubmitted was sent for step 4, but the deployment is at step 2", StringComparison.Ordinal));
        Assert.Contains(ignored, e => e.Message.StartsWith("Step 2 (configure) does not take DeploymentConfirmed", StringComparison.Ordinal));
        Assert.Contains(ignored, e => e.Message.StartsWith("Step 2 (configure) does not take ProvisioningApproved", StringComparison.Ordinal));
        Assert.Contains(ignored, e => e.Message.StartsWith("Step 2 (configure) does not take TemplateChosen", StringComparison.Ordinal));
        DeploymentView view = (await host.Service.GetStatusAsync(tenant, id))!;
        Assert.Equal((2, CreationStates.WaitingForInput, OrchestrationRuntimeStatus.Running), (view.Creation!.Step.Number, view.Creation.State, view.RuntimeStatus!.Value));
        Assert.Equal("Submit the agent's configuration.", view.Creation.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Wizard_ConfigurationForAnotherTemplateOrWithoutItsSecret_StaysAtConfigureWithTheReasons()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-memory"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);

        // "***" keeps a stored secret; this deployment never stored one.
        AgentConfiguration blank = FactoryHost.Configuration("tmpl-blank", FactoryEnvironment.NewAgentName("other"), EnvironmentVariable.RedactedValue);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(blank));
        DeploymentView rejected = await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.ValidationErrors.Count > 0);

        Assert.Equal([("/advanced/environment/0/value", ConfigurationSecrets.MissingCode), ("/templateId", "template.notChosen")],
            rejected.Creation!.ValidationErrors.Select(e => (e.Pointer, e.Code)).OrderBy(p => p.Pointer, StringComparer.Ordinal));
        Assert.Contains("'API_TOKEN'", rejected.Creation.ValidationErrors.Single(e => e.Code == ConfigurationSecrets.MissingCode).Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Wizard_HundredsOfProblems_StatusListsTheFirstFiftyAndStaysSmall()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-blank"))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);

        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-blank", FactoryEnvironment.NewAgentName("many"), "s3cret");
        configuration = configuration with
        {
            Advanced = configuration.Advanced with
            {
                Environment = [.. Enumerable.Range(0, 300).Select(i => new EnvironmentVariable { Name = $"{i}-bad name {new string('x', 200)}", Value = new string('v', 100) })],
            },
        };
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(configuration));
        DeploymentView rejected = await host.WaitForInputAsync(tenant, id, WizardStep.Configure, c => c.ValidationErrors.Count > 0);

        Assert.Equal(StatusLimits.MaxValidationErrors, rejected.Creation!.ValidationErrors.Count);
        Assert.True(rejected.Creation.ValidationErrorCount > 300, $"{rejected.Creation.ValidationErrorCount} problems");
        string status = (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.SerializedCustomStatus!;
        Assert.True(Encoding.UTF8.GetByteCount(status) < 32 * 1024, $"{Encoding.UTF8.GetByteCount(status)} bytes");
        // The event log keeps every problem.
        DeploymentEvent failed = (await Surfaces.EventsAsync(host, tenant, id)).Single(e => e.Type == DeploymentEventTypes.ValidationFailed);
        Assert.Equal(rejected.Creation.ValidationErrorCount, JsonDocument.Parse(failed.DataJson!).RootElement.GetProperty("problems").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Wizard_NobodyChoosesATemplate_ExpiresOnTheFakeClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers(), clock, creation: o => o.HumanStepTimeout = TimeSpan.FromMinutes(30));
        string tenant = FactoryEnvironment.NewTenant();
        string id = (await host.Service.CreateAsync(tenant, new CreateAgentRequest())).DeploymentId!;
        DeploymentView waiting = await host.WaitForInputAsync(tenant, id, WizardStep.ChooseTemplate);

        await host.ExpireCurrentWaitAsync(id, waiting.Creation!.ExpiresAt!.Value);
        DeploymentView done = await host.WaitForEndAsync(tenant, id);

        Assert.Equal((CreationStates.Expired, DeploymentStatus.Expired), (done.Creation!.State, done.Status));
        Assert.Equal(clock.GetUtcNow(), done.CompletedAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Contains("Nothing had to be cleaned up.", done.Creation.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateAsync_AutomationWithoutConfiguration_IsRefusedAndMakesNothing()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, new NoContainers());
        string tenant = FactoryEnvironment.NewTenant();

        CreateAgentResult result = await host.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-blank", Automation: true));

        Assert.Equal((CreateOutcome.Invalid, null), (result.Outcome, result.DeploymentId));
        Assert.Empty((await new DeploymentTable(env.FactoryTables).ListAsync(tenant)).Items);
    }

    /// <summary>A runtime that has no containers and refuses to make or run one: proves these tests never reach a container.</summary>
    private sealed class NoContainers : IContainerRuntime
    {
        public Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default) => throw Refused();

        // Asked whether a container exists (clean-up asks about the sandbox), it truthfully says none does.
        public Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<ContainerInfo?>(null);

        public Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default) => throw Refused();

        public Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default) => throw Refused();

        public Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default) => throw Refused();

        public Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default) => throw Refused();

        public Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default) => throw Refused();

        public Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default) => throw Refused();

        public Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default) => Task.FromResult(false);

        private static InvalidOperationException Refused() => new("This test runs no containers.");
    }
}
