using System.Diagnostics;
using System.Runtime.Versioning;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>Automation mode: the full configuration at start, pre-approved, straight through (real runtime, sandbox, provisioner).</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentCreationAutomationTests(SandboxFixture sandbox, FactoryEnvironment env, ITestOutputHelper output) : IClassFixture<FactoryEnvironment>
{
    [Theory(Timeout = 300_000)]
    [InlineData("tmpl-memory")]
    [InlineData("tmpl-orchestration")]
    [InlineData("tmpl-api")]
    [InlineData("tmpl-data")]
    [InlineData("tmpl-monitoring")]
    [InlineData("tmpl-blank")]
    public async Task CreateAsync_Automation_RunsStraightThroughToAHealthyAgentWhoseFirstTaskSucceeded(string templateId)
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        string secret = "planted-" + Guid.NewGuid().ToString("N");
        AgentConfiguration configuration = FactoryHost.Configuration(templateId, FactoryEnvironment.NewAgentName(templateId[5..]), secret);

        var stopwatch = Stopwatch.StartNew();
        CreateAgentResult created = await host.Service.CreateAsync(tenant,
            new CreateAgentRequest(Configuration: FactoryHost.Json(configuration), Automation: true, IdempotencyKey: "auto-" + templateId));
        DeploymentView done = await host.WaitForEndAsync(tenant, created.DeploymentId!);
        stopwatch.Stop();
        AgentCreationStatus status = done.Creation!;
        output.WriteLine($"{templateId}: CreateAsync to Completed in {stopwatch.Elapsed.TotalSeconds:0.00} s "
            + $"(sandbox {status.Sandbox?.DurationMs / 1000:0.00} s, first task {status.FirstTask?.TemplateTaskId} {status.FirstTask?.DurationMs:0} ms)");

        try
        {
            Assert.True(status.State == CreationStates.Completed, $"{status.State}: {status.Error} {status.Message}");
            Assert.Equal((OrchestrationRuntimeStatus.Completed, DeploymentStatus.Succeeded), (done.RuntimeStatus!.Value, done.Status));
            Assert.True(status.Automation);
            Assert.True(status.Sandbox!.Passed);
            Assert.True(status.FirstTask is { Done: true, Succeeded: true }, status.FirstTask?.Failure);
            Assert.Equal(7 - (templateId == "tmpl-memory" ? 0 : 1), status.Resources.Count);

            // Automation never waited for anyone.
            IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, created.DeploymentId!);
            output.WriteLine("  phases: " + Phases(events));
            Surfaces.AssertComplete(events);
            Assert.DoesNotContain(events, e => e.Type == DeploymentEventTypes.WaitingForInput);
            Assert.Equal(DeploymentEventTypes.Completed, events[^1].Type);
            await Surfaces.AssertNowhereAsync(host, tenant, created.DeploymentId!, secret);
        }
        finally
        {
            await host.RemoveAgentAsync(tenant, created.DeploymentId!, configuration);
        }
    }

    /// <summary>Where the time went, from the event log: validation and estimate, sandbox, provisioning, start to healthy, first task.</summary>
    private static string Phases(IReadOnlyList<DeploymentEvent> events)
    {
        DateTimeOffset At(Func<DeploymentEvent, bool> match) => events.First(match).Time;
        DateTimeOffset created = At(e => e.Type == DeploymentEventTypes.Created);
        DateTimeOffset sandboxStart = At(e => e.Type == DeploymentEventTypes.StepStarted && e.Step == 3);
        DateTimeOffset sandboxEnd = At(e => e.Type == DeploymentEventTypes.SandboxResult);
        DateTimeOffset provisioned = events.Last(e => e.Type == DeploymentEventTypes.ResourceProvisioned).Time;
        DateTimeOffset deploy = At(e => e.Type == DeploymentEventTypes.StepStarted && e.Step == 6);
        DateTimeOffset healthy = events.Last(e => e.Type == DeploymentEventTypes.HealthChecked).Time;
        DateTimeOffset done = At(e => e.Type == DeploymentEventTypes.Completed);
        return $"validate+estimate {(sandboxStart - created).TotalSeconds:0.00} s, sandbox {(sandboxEnd - sandboxStart).TotalSeconds:0.00} s, "
            + $"provision {(provisioned - sandboxEnd).TotalSeconds:0.00} s, start to healthy {(healthy - deploy).TotalSeconds:0.00} s, "
            + $"first task and activation {(done - healthy).TotalSeconds:0.00} s";
    }

    [Fact(Timeout = 120_000)]
    public async Task CreateAsync_AutomationWithAnInvalidConfiguration_FailsFastListingEveryError()
    {
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime);
        string tenant = FactoryEnvironment.NewTenant();
        AgentConfiguration valid = FactoryHost.Configuration("tmpl-data", FactoryEnvironment.NewAgentName("etl"), "s3cret");
        AgentConfiguration invalid = valid with { Name = "9-lives", Tier = Tier.Starter, Resources = valid.Resources with { MemoryMb = 3000 } };

        CreateAgentResult created = await host.Service.CreateAsync(tenant, new CreateAgentRequest(Configuration: FactoryHost.Json(invalid), Automation: true));
        DeploymentView done = await host.WaitForEndAsync(tenant, created.DeploymentId!);

        AgentCreationStatus status = done.Creation!;
        Assert.Equal(CreationStates.Failed, status.State);
        Assert.Equal(DeploymentStatus.Failed, done.Status);
        Assert.Equal(2, status.Step.Number);
        Assert.Contains(status.ValidationErrors, e => e is { Pointer: "/name", Code: "name.format" });
        Assert.Contains(status.ValidationErrors, e => e is { Pointer: "/resources/memoryMb", Code: "resources.memory.notAllowed" });
        Assert.StartsWith($"The configuration is invalid ({status.ValidationErrors.Count} problem(s)):", status.Error, StringComparison.Ordinal);
        Assert.Contains("/name:", status.Error, StringComparison.Ordinal);
        Assert.Null(status.Sandbox);
        Assert.Empty(status.Resources);
        AgentCreationResult result = (await host.Client.GetInstanceAsync(created.DeploymentId!, getInputsAndOutputs: true))!.ReadOutputAs<AgentCreationResult>()!;
        Assert.Equal(status.ValidationErrors, result.ValidationErrors);

        // Fast: it never reached the sandbox, and the secret it stored is gone.
        IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, created.DeploymentId!);
        Assert.Equal([DeploymentEventTypes.Created, DeploymentEventTypes.TemplateChosen, DeploymentEventTypes.ValidationFailed, DeploymentEventTypes.Failed, DeploymentEventTypes.Released,
            DeploymentEventTypes.Compensated], events.Select(e => e.Type));
        Assert.Equal(0, await Surfaces.CountAsync(env.SecretsTable, created.DeploymentId!));
    }

    [Theory(Timeout = 300_000)]
    [InlineData("tmpl-api", true)]
    [InlineData("tmpl-memory", false)]
    public async Task CreateAsync_TestEndpointUnreachableFromDeployedAgents_SkipsOnlyAFirstTaskThatNeedsIt_AndSaysSo(string templateId, bool skipped)
    {
        // As in Container Instances: the sandbox has its test endpoint, deployed agents cannot reach it.
        await using FactoryHost host = await FactoryHost.StartAsync(env, sandbox.Runtime, services: s =>
            s.AddSingleton<ISandboxEndpoint>(sp => new SandboxOnlyEndpoint(sp.GetRequiredService<SandboxEndpointProcess>())));
        string tenant = FactoryEnvironment.NewTenant();
        AgentConfiguration configuration = FactoryHost.Configuration(templateId, FactoryEnvironment.NewAgentName(templateId[5..]), "planted-" + Guid.NewGuid().ToString("N"));

        CreateAgentResult created = await host.Service.CreateAsync(tenant,
            new CreateAgentRequest(Configuration: FactoryHost.Json(configuration), Automation: true, IdempotencyKey: "unreachable-" + templateId));
        DeploymentView done = await host.WaitForEndAsync(tenant, created.DeploymentId!);

        try
        {
            AgentCreationStatus status = done.Creation!;
            Assert.True(status.State == CreationStates.Completed, $"{status.State}: {status.Error} {status.Message}");
            Assert.True(status.Sandbox!.Passed);
            IReadOnlyList<DeploymentEvent> events = await Surfaces.EventsAsync(host, tenant, created.DeploymentId!);
            Surfaces.AssertComplete(events);
            if (skipped)
            {
                Assert.Contains("sandbox test endpoint", status.FirstTask!.Skipped, StringComparison.Ordinal);
                Assert.Contains(events, e => e.Type == DeploymentEventTypes.FirstTaskSent && e.Message.StartsWith("No first task sent", StringComparison.Ordinal));
                Assert.DoesNotContain(events, e => e.Type == DeploymentEventTypes.FirstTaskChecked);
                Assert.Contains("no first task", events[^1].Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(status.FirstTask is { Done: true, Succeeded: true, Skipped: null }, status.FirstTask?.Failure);
                Assert.Contains(events, e => e.Type == DeploymentEventTypes.FirstTaskChecked);
                Assert.Contains("its first task succeeded", events[^1].Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            await host.RemoveAgentAsync(tenant, created.DeploymentId!, configuration);
        }
    }

    /// <summary>The host's endpoint for sandboxes, none for deployed agents (what the sidecar placement offers).</summary>
    private sealed class SandboxOnlyEndpoint(SandboxEndpointProcess inner) : ISandboxEndpoint
    {
        public Task<SandboxEndpointPlacement> PlaceAsync(CancellationToken cancellationToken = default) => inner.PlaceAsync(cancellationToken);

        public Task<string?> UrlForAgentsAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);
    }
}
