using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.History;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>Expiry on a fake clock, idempotency of requests and activities, and a restart of the host mid-wizard (real runtime).</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentCreationLifecycleTests(SandboxFixture sandbox, FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    [Fact(Timeout = 300_000)]
    public async Task Wizard_NobodyConfirmsWithinTheTimeout_ExpiresAndRemovesWhatWasProvisioned()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime, clock, creation: o => o.HumanStepTimeout = TimeSpan.FromHours(24));
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("idle");
        string id = (await host.Service.CreateAsync(tenant,
            new CreateAgentRequest(Configuration: FactoryHost.Json(FactoryHost.Configuration("tmpl-blank", name, "s3cret"))))).DeploymentId!;
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        DeploymentView review = await host.WaitForInputAsync(tenant, id, WizardStep.Review);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddHours(24), review.Creation!.ExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.False((await env.ListAsync(tenant, name, sandbox.Runtime)).Nothing);

        await host.ExpireCurrentWaitAsync(id, review.Creation.ExpiresAt.Value);
        DeploymentView done = await host.WaitForEndAsync(tenant, id);

        Assert.Equal(CreationStates.Expired, done.Creation!.State);
        Assert.Equal(DeploymentStatus.Expired, done.Status);
        Assert.StartsWith("Nothing arrived within 1.00:00:00 at step 5 (review): the wizard expired.", done.Creation.Message, StringComparison.Ordinal);
        Assert.Contains(done.Creation.CleanedUp, r => r.Kind == "container");
        Assert.Contains(done.Creation.CleanedUp, r => r is { Kind: "agentName", Change: "released" });
        ExistingResources after = await env.ListAsync(tenant, name, sandbox.Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Null(await new AgentNameTable(env.FactoryTables).GetAsync(tenant, name));
        Surfaces.AssertInOrder(await Surfaces.EventsAsync(host, tenant, id), DeploymentEventTypes.WaitingForInput, DeploymentEventTypes.Expired,
            DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.Released, DeploymentEventTypes.Compensated);
    }

    [Fact(Timeout = 300_000)]
    public async Task CreateAndActivities_RunTwice_GiveTheSameDeploymentAndTheSameResults()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string name = FactoryEnvironment.NewAgentName("twice");
        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-blank", name, "s3cret");

        // The same idempotency key gives the same deployment; another tenant's same key does not.
        var request = new CreateAgentRequest(TemplateId: "tmpl-blank", IdempotencyKey: "order-42");
        CreateAgentResult first = await host.Service.CreateAsync(tenant, request);
        CreateAgentResult second = await host.Service.CreateAsync(tenant, request);
        CreateAgentResult elsewhere = await host.Service.CreateAsync(FactoryEnvironment.NewTenant(), request);
        Assert.Equal((CreateOutcome.Created, CreateOutcome.Existing), (first.Outcome, second.Outcome));
        Assert.Equal(first.DeploymentId, second.DeploymentId);
        Assert.NotEqual(first.DeploymentId, elsewhere.DeploymentId);
        string id = first.DeploymentId!;
        Assert.Single((await new DeploymentTable(env.FactoryTables).ListAsync(tenant)).Items);

        await host.WaitForInputAsync(tenant, id, WizardStep.Configure);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(configuration));
        await host.WaitForInputAsync(tenant, id, WizardStep.Provision);
        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
        await host.WaitForInputAsync(tenant, id, WizardStep.Review);

        // Every activity the orchestration ran, run again with its recorded input (a redelivered message), returns the
        // recorded result: the sandbox does not run again, nothing is provisioned twice.
        IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
        Dictionary<int, string?> results = history.OfType<TaskCompletedEvent>().ToDictionary(c => c.TaskScheduledId, c => c.Result);
        int rerun = 0;
        foreach (TaskScheduledEvent scheduled in history.OfType<TaskScheduledEvent>().Where(s => s.Name != AgentCreationActivities.RecordProgress))
        {
            object? again = await RunAsync(host, scheduled.Name, scheduled.Input);
            Assert.Equal(results[scheduled.TaskId], DataConverter.Default.Serialize(again));
            rerun++;
        }

        // ResolveTemplate, ValidateConfiguration, EstimateCost, RunSandbox and four ProvisionSteps.
        Assert.True(rerun == 8, $"{rerun} activities re-run");
        Assert.Single(await new SandboxTestTable(env.FactoryTables).ListAsync(id));

        // With a new ticket a step is still idempotent at the resource level: it finds what the first run made.
        TaskScheduledEvent queue = history.OfType<TaskScheduledEvent>().First(s => s.Name == AgentCreationActivities.ProvisionStep);
        ProvisionStepInput input = DataConverter.Default.Deserialize<ProvisionStepInput>(queue.Input)!;
        var fresh = (StepResult)(await RunAsync(host, queue.Name, DataConverter.Default.Serialize(input with
        {
            Work = input.Work with { Ticket = input.Work.Ticket with { Sequence = 1_000_000 } },
        })))!;
        Assert.All(fresh.Resources, r => Assert.Equal("existed", r.Change));

        await host.SubmitAcceptedAsync(tenant, id, WizardEvents.Cancel);
        await host.WaitForEndAsync(tenant, id);
    }

    [Fact(Timeout = 300_000)]
    public async Task Wizard_HostStoppedAfterConfigure_ANewHostOverTheSameTaskHubContinuesIt()
    {
        string hub = "orch" + Guid.NewGuid().ToString("N")[..12];
        string tenant = FactoryEnvironment.NewTenant();
        AgentConfiguration configuration = FactoryHost.Configuration("tmpl-memory", FactoryEnvironment.NewAgentName("restart"), "s3cret");
        string id;
        await using (FactoryHost first = await FactoryHost.StartAsync(env, sandbox.Runtime, taskHub: hub))
        {
            id = (await first.Service.CreateAsync(tenant, new CreateAgentRequest(TemplateId: "tmpl-memory"))).DeploymentId!;
            await first.WaitForInputAsync(tenant, id, WizardStep.Configure);
            await first.SubmitAcceptedAsync(tenant, id, WizardEvents.ConfigurationSubmitted, FactoryHost.Json(configuration));
            await first.WaitForInputAsync(tenant, id, WizardStep.Provision);
        }

        await using FactoryHost second = await FactoryHost.StartAsync(env, sandbox.Runtime, taskHub: hub);
        try
        {
            await second.SubmitAcceptedAsync(tenant, id, WizardEvents.ProvisioningApproved);
            await second.WaitForInputAsync(tenant, id, WizardStep.Review);
            await second.SubmitAcceptedAsync(tenant, id, WizardEvents.DeploymentConfirmed);
            DeploymentView done = await second.WaitForEndAsync(tenant, id);

            Assert.True(done.Creation!.State == CreationStates.Completed, $"{done.Creation.State}: {done.Creation.Error}");
            Assert.True(done.Creation.FirstTask!.Succeeded);
            IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(second, tenant, id);
            Surfaces.AssertComplete(events);
            Surfaces.AssertInOrder(events, DeploymentEventTypes.SandboxResult, DeploymentEventTypes.WaitingForInput, DeploymentEventTypes.InputReceived,
                DeploymentEventTypes.ResourceProvisioned, DeploymentEventTypes.Completed);
            await second.RemoveAgentAsync(tenant, id, configuration);
        }
        finally
        {
            await second.Services.GetRequiredService<AzureStorageOrchestrationBackend>().DeleteTaskHubAsync();
        }
    }

    /// <summary>Runs activity <paramref name="name"/> as the worker would, from its serialized input.</summary>
    private static async Task<object?> RunAsync(FactoryHost host, string name, string? input)
    {
        Type type = typeof(AgentCreationActivities).Assembly.GetTypes()
            .Single(t => t.GetCustomAttributes(typeof(DurableTaskAttribute), false).Cast<DurableTaskAttribute>().Any(a => a.Name == name));
        var activity = (ITaskActivity)ActivatorUtilities.CreateInstance(host.Services, type);
        return await activity.RunAsync(new ActivityContext(name), DataConverter.Default.Deserialize(input, activity.InputType), CancellationToken.None);
    }

    private sealed class ActivityContext(string name) : TaskActivityContext
    {
        public override string Name => name;

        public override string InstanceId => "test";

        public override int TaskId => 0;
    }
}
