using System.Net;
using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using static AgentFactory.Functions.Orchestration.DeploymentEventTypes;
using OrchestrationHost = AgentFactory.Functions.Tests.Orchestration.FactoryHost;

namespace AgentFactory.Functions.Tests.EndToEnd;

/// <summary>
/// Back, reset, cancel, moves at the wrong step and another tenant's calls, through the real app's HTTP routes only
/// (storage and the container runtime are read directly only to prove what cancel removed).
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class WizardControlEndToEndTests(WizardApp app) : IClassFixture<WizardApp>
{
    private static readonly string[] Moves = ["template", "configuration", "sandbox", "approve", "confirm", "back", "reset", "cancel"];

    [Fact(Timeout = 300_000)]
    public async Task Wizard_BackResetCancel_AndWrongStepMoves_ThroughHttp()
    {
        string tenant = "tenant-nav-" + Guid.NewGuid().ToString("N")[..8];
        string name = "nav-" + Guid.NewGuid().ToString("N")[..8];
        var wizard = new WizardHttp(await app.WithKeyAsync("portal", tenant));
        string configuration = WizardHttp.Serialize(OrchestrationHost.Configuration("tmpl-memory", name, "s3cret-" + Guid.NewGuid().ToString("N")));
        string template = WizardHttp.Serialize(new { templateId = "tmpl-memory" });
        app.RemoveLater(tenant, name);
        string id = await wizard.CreateAsync("{}");
        try
        {
            // A move the step does not take: 409 naming the step and what it waits for; nothing changes.
            DeploymentView step1 = await wizard.WaitForInputAsync(id, WizardStep.ChooseTemplate);
            JsonElement conflict = await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "confirm"), HttpStatusCode.Conflict);
            Assert.StartsWith("The deployment is at step 1 (chooseTemplate), which does not accept DeploymentConfirmed: it waits for TemplateChosen",
                conflict.Detail(), StringComparison.Ordinal);
            await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "back"), HttpStatusCode.Conflict);
            await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "approve"), HttpStatusCode.Conflict);
            Assert.Equal(step1.Creation!.LastEventSequence, (await wizard.StatusAsync(id)).Creation!.LastEventSequence);

            // Back from 2 to 1, and forward again.
            await wizard.MoveAcceptedAsync(id, "template", template);
            await wizard.WaitForInputAsync(id, WizardStep.Configure);
            await wizard.MoveAcceptedAsync(id, "back");
            await wizard.WaitForInputAsync(id, WizardStep.ChooseTemplate, c => c.LastEventSequence > step1.Creation.LastEventSequence);
            await wizard.MoveAcceptedAsync(id, "template", template);
            await wizard.WaitForInputAsync(id, WizardStep.Configure);
            await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "confirm"), HttpStatusCode.Conflict);

            // Back from 4 (after the sandbox) to 2.
            await wizard.MoveAcceptedAsync(id, "configuration", configuration);
            await wizard.WaitForInputAsync(id, WizardStep.Provision);
            await wizard.MoveAcceptedAsync(id, "back");
            await wizard.WaitForInputAsync(id, WizardStep.Configure);
            await wizard.MoveAcceptedAsync(id, "configuration", configuration);
            await wizard.WaitForInputAsync(id, WizardStep.Provision);

            // Back from review removes what provisioning made, and asks for approval again.
            await wizard.MoveAcceptedAsync(id, "approve");
            DeploymentView review = await wizard.WaitForInputAsync(id, WizardStep.Review);
            string[] provisioned = [.. review.Creation!.Resources.Select(r => r.Name)];
            Assert.NotEmpty(provisioned);
            await wizard.MoveAcceptedAsync(id, "back");
            DeploymentView back = await wizard.WaitForInputAsync(id, WizardStep.Provision);
            Assert.Empty(back.Creation!.Resources);
            Assert.Subset(back.Creation.CleanedUp.Select(r => r.Name).ToHashSet(), provisioned.ToHashSet());

            // Reset from review: everything goes and the wizard starts again at step 1 (no template was given at start).
            await wizard.MoveAcceptedAsync(id, "approve");
            await wizard.WaitForInputAsync(id, WizardStep.Review);
            await wizard.MoveAcceptedAsync(id, "reset", WizardHttp.Serialize(new { reason = "start over" }));
            DeploymentView reset = await wizard.WaitForInputAsync(id, WizardStep.ChooseTemplate);
            Assert.Equal((null, null, null), (reset.Creation!.AgentName, reset.Creation.Sandbox, reset.Creation.CostEstimate));
            Assert.Empty(reset.Creation.Resources);
            Assert.Subset(reset.Creation.CleanedUp.Select(r => r.Name).ToHashSet(), provisioned.ToHashSet());
            await AssertNothingLeftAsync(tenant, name);

            // Once more to review, then cancel: everything is removed and the status says what.
            await wizard.MoveAcceptedAsync(id, "template", template);
            await wizard.WaitForInputAsync(id, WizardStep.Configure);
            await wizard.MoveAcceptedAsync(id, "configuration", configuration);
            await wizard.WaitForInputAsync(id, WizardStep.Provision);
            await wizard.MoveAcceptedAsync(id, "approve");
            review = await wizard.WaitForInputAsync(id, WizardStep.Review);
            provisioned = [.. review.Creation!.Resources.Select(r => r.Name)];
            await wizard.MoveAcceptedAsync(id, "cancel", WizardHttp.Serialize(new { reason = "changed my mind" }));
            DeploymentView cancelled = await wizard.WaitForEndAsync(id);
            AgentCreationStatus status = cancelled.Creation!;
            Assert.Equal((CreationStates.Cancelled, DeploymentStatus.Cancelled), (status.State, cancelled.Status));
            Assert.Empty(status.Resources);
            Assert.Empty(status.NotCleanedUp);
            Assert.Subset(status.CleanedUp.Select(r => r.Name).ToHashSet(), provisioned.ToHashSet());
            Assert.Contains(status.CleanedUp, r => r.Kind == "agentName");
            Assert.Contains(status.CleanedUp, r => r.Kind == "secrets");
            Assert.Contains("changed my mind", status.Message, StringComparison.Ordinal);
            await AssertNothingLeftAsync(tenant, name);

            JsonElement finished = await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "confirm"), HttpStatusCode.Conflict);
            Assert.Contains("has finished", finished.Detail(), StringComparison.Ordinal);

            IReadOnlyList<DeploymentEvent> events = await wizard.AllEventsAsync(id);
            EventLog.AssertGapFree(events);
            EventLog.AssertInOrder(events, Created, TemplateChosen, WentBack, TemplateChosen, SandboxResult, WentBack, SandboxResult,
                ResourceProvisioned, ResourceDeprovisioned, WentBack, ResourceProvisioned, ResourceDeprovisioned, Released, Reset, TemplateChosen, ResourceProvisioned,
                Cancelled, ResourceDeprovisioned, Released, Compensated);
            Assert.Equal(status.LastEventSequence, events[^1].Sequence);
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Wizard_AnotherTenant_GetsTheSame404AsForNoDeployment_OnEveryWizardRoute()
    {
        string tenant = "tenant-own-" + Guid.NewGuid().ToString("N")[..8];
        var owner = new WizardHttp(await app.WithKeyAsync("portal", tenant));
        string id = await owner.CreateAsync(WizardHttp.Serialize(new { templateId = "tmpl-blank" }));
        DeploymentView before = await owner.WaitForInputAsync(id, WizardStep.Configure);
        string configuration = WizardHttp.Serialize(OrchestrationHost.Configuration("tmpl-blank", "own-" + Guid.NewGuid().ToString("N")[..8], "x"));
        var bodies = new Dictionary<string, string?>
        {
            ["template"] = WizardHttp.Serialize(new { templateId = "tmpl-blank" }),
            ["configuration"] = configuration,
        };

        // Any role of another tenant, the ops role included (only the platform's ops see every tenant).
        foreach (string role in new[] { "portal", "automation", "ops" })
        {
            var stranger = new WizardHttp(await app.WithKeyAsync(role, "tenant-other-" + Guid.NewGuid().ToString("N")[..8]));
            string missing = "dep-" + Guid.NewGuid().ToString("N");
            await AssertSameNotFoundAsync(stranger, $"GET status ({role})", id, missing, (c, d) => c.GetAsync($"{WizardHttp.Agents}/{d}/status"));
            await AssertSameNotFoundAsync(stranger, $"GET events ({role})", id, missing, (c, d) => c.GetAsync($"{WizardHttp.Agents}/{d}/events?after=0"));
            await AssertSameNotFoundAsync(stranger, $"GET events as a stream ({role})", id, missing, (c, d) =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"{WizardHttp.Agents}/{d}/events");
                request.Headers.Accept.ParseAdd("text/event-stream");
                return c.SendAsync(request);
            });
            foreach (string move in Moves)
            {
                await AssertSameNotFoundAsync(stranger, $"POST {move} ({role})", id, missing, (c, d) =>
                    c.PostAsync($"{WizardHttp.Agents}/{d}/{move}", bodies.GetValueOrDefault(move) is { } body ? WizardHttp.Json(body) : null));
            }
        }

        // None of it reached the deployment: same step, same log.
        DeploymentView after = await owner.WaitForInputAsync(id, WizardStep.Configure);
        Assert.Equal(before.Creation!.LastEventSequence, after.Creation!.LastEventSequence);
        Assert.Equal(before.Creation.LastEventSequence, (await owner.AllEventsAsync(id)).Count);
        await owner.MoveAcceptedAsync(id, "cancel");
        Assert.Equal(CreationStates.Cancelled, (await owner.WaitForEndAsync(id)).Creation!.State);
    }

    /// <summary>The stranger's answer for the real deployment is the answer for one that does not exist: 404, same title and detail.</summary>
    private static async Task AssertSameNotFoundAsync(WizardHttp stranger, string what, string id, string missing,
        Func<HttpClient, string, Task<HttpResponseMessage>> call)
    {
        JsonElement real = await ProblemAssert.IsProblemAsync(await call(stranger.Client, id), HttpStatusCode.NotFound);
        JsonElement none = await ProblemAssert.IsProblemAsync(await call(stranger.Client, missing), HttpStatusCode.NotFound);
        Assert.True((real.GetProperty("title").GetString(), real.Detail()) == (none.GetProperty("title").GetString(), none.Detail()), what);
    }

    /// <summary>No queue, blob container, table or container of the agent exists.</summary>
    private async Task AssertNothingLeftAsync(string tenant, string agentName)
    {
        AgentResourceNames names = AgentResourceNames.For(tenant, agentName);
        string connection = AzuriteConnection.ConnectionString;
        var queues = new QueueServiceClient(connection);
        Assert.False(await queues.GetQueueClient(names.TaskQueue).ExistsAsync(), names.TaskQueue);
        Assert.False(await queues.GetQueueClient(names.PoisonQueue).ExistsAsync(), names.PoisonQueue);
        Assert.False(await new BlobServiceClient(connection).GetBlobContainerClient(names.BlobContainer).ExistsAsync(), names.BlobContainer);
        Assert.Empty(new TableServiceClient(connection).Query($"TableName eq '{names.Table}'"));
        Assert.Null(await app.Services.GetRequiredService<IContainerRuntime>().GetAsync(names.Container));
    }
}
