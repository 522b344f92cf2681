using System.Diagnostics;
using System.Net;
using AgentFactory.Core.Configuration;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;
using Xunit.Abstractions;
using static AgentFactory.Functions.Orchestration.DeploymentEventTypes;
using OrchestrationHost = AgentFactory.Functions.Tests.Orchestration.FactoryHost;

namespace AgentFactory.Functions.Tests.EndToEnd;

/// <summary>
/// The interactive wizard for each of the six templates, as a portal drives it: the real app (Program, function keys,
/// the engine on Azurite, the bubblewrap sandbox, provisioning, the agent program), public HTTP routes only.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class WizardEndToEndTests(WizardApp app, ITestOutputHelper output) : IClassFixture<WizardApp>
{
    // Half the templates are chosen at step 1, half given at start (step 1 is then skipped).
    [Theory(Timeout = 300_000)]
    [InlineData("tmpl-memory", false)]
    [InlineData("tmpl-orchestration", true)]
    [InlineData("tmpl-api", false)]
    [InlineData("tmpl-data", true)]
    [InlineData("tmpl-monitoring", false)]
    [InlineData("tmpl-blank", true)]
    public async Task Wizard_ThroughHttp_InvalidThenCorrected_SandboxAgain_Provision_Confirm_Succeeds(string templateId, bool templateAtStart)
    {
        string tenant = "tenant-wiz-" + Guid.NewGuid().ToString("N")[..8];
        string name = "wiz-" + templateId[5..8] + "-" + Guid.NewGuid().ToString("N")[..6];
        string secret = "planted-" + Guid.NewGuid().ToString("N");
        var wizard = new WizardHttp(await app.WithKeyAsync("portal", tenant));
        app.RemoveLater(tenant, name);
        var clock = Stopwatch.StartNew();
        var caughtUp = new List<DeploymentEvent>();
        long cursor = 0;

        string id = await wizard.CreateAsync(templateAtStart ? WizardHttp.Serialize(new { templateId }) : "{}");

        // The log read as a live client would: from its cursor, after every step.
        async Task CatchUpAsync()
        {
            (IReadOnlyList<DeploymentEvent> page, long next) = await wizard.EventsAsync(id, cursor);
            caughtUp.AddRange(page);
            cursor = next;
        }

        try
        {
            // 1. choose template, unless given at start.
            if (!templateAtStart)
            {
                DeploymentView choose = await wizard.WaitForInputAsync(id, WizardStep.ChooseTemplate);
                Assert.Contains(WizardEvents.TemplateChosen, choose.Creation!.WaitingFor);
                await CatchUpAsync();
                await wizard.MoveAcceptedAsync(id, "template", WizardHttp.Serialize(new { templateId }));
            }

            // 2. configure: an invalid configuration stays here, its errors keyed by JSON pointer.
            DeploymentView configure = await wizard.WaitForInputAsync(id, WizardStep.Configure);
            Assert.Equal(templateId, configure.Creation!.TemplateId);
            Assert.Empty(configure.Creation.ValidationErrors);
            await CatchUpAsync();
            AgentConfiguration valid = OrchestrationHost.Configuration(templateId, name, secret);
            AgentConfiguration invalid = valid with { Name = "Not_A_Name", Resources = valid.Resources with { CpuCores = 3m } };
            await wizard.MoveAcceptedAsync(id, "configuration", WizardHttp.Serialize(invalid));
            DeploymentView rejected = await wizard.WaitForInputAsync(id, WizardStep.Configure, c => c.ValidationErrors.Count > 0);
            Assert.Contains(rejected.Creation!.ValidationErrors, e => e is { Pointer: "/name", Code: "name.format" });
            Assert.Contains(rejected.Creation.ValidationErrors, e => e.Pointer == "/resources/cpuCores");
            Assert.Equal(rejected.Creation.ValidationErrors.Count, rejected.Creation.ValidationErrorCount);
            Assert.Contains(WizardEvents.ConfigurationSubmitted, rejected.Creation.WaitingFor);
            await CatchUpAsync();

            // 3. the corrected one is validated, estimated and tested in the sandbox at once; 4. waits for approval.
            await wizard.MoveAcceptedAsync(id, "configuration", WizardHttp.Serialize(valid));
            DeploymentView tested = await wizard.WaitForInputAsync(id, WizardStep.Provision);
            AgentCreationStatus status = tested.Creation!;
            Assert.Empty(status.ValidationErrors);
            Assert.Equal(name, status.AgentName);
            AssertPassed(status.Sandbox);
            Assert.Contains(WizardEvents.SandboxRequested, status.WaitingFor);
            Assert.Contains(WizardEvents.ProvisioningApproved, status.WaitingFor);
            await CatchUpAsync();

            // The person asks for another sandbox run: a new run, with its own results, back at step 4.
            await wizard.MoveAcceptedAsync(id, "sandbox");
            string firstRun = status.Sandbox!.TestId;
            DeploymentView retested = await wizard.WaitForInputAsync(id, WizardStep.Provision, c => c.Sandbox?.TestId != firstRun);
            AssertPassed(retested.Creation!.Sandbox);
            await CatchUpAsync();

            // 4. provision; 5. review: what was made, and the monthly estimate with its breakdown.
            await wizard.MoveAcceptedAsync(id, "approve");
            DeploymentView review = await wizard.WaitForInputAsync(id, WizardStep.Review);
            status = review.Creation!;
            Assert.Equal(DeploymentStatus.AwaitingConfirmation, review.Status);
            Assert.Contains(status.Resources, r => r.Kind == "queue");
            Assert.All(status.Resources, r => Assert.False(string.IsNullOrEmpty(r.Name)));
            Assert.True(status.CostEstimate is { MonthlyUsd: > 0, Currency: "USD" }, $"estimate: {status.CostEstimate}");
            Assert.NotEmpty(status.CostEstimate!.Lines);
            Assert.Equal(status.CostEstimate.MonthlyUsdExact, review.MonthlyCostUsd);
            Assert.Equal([WizardEvents.DeploymentConfirmed], status.WaitingFor.Where(e => e is not (WizardEvents.Back or WizardEvents.Reset or WizardEvents.Cancel)));
            await CatchUpAsync();

            // 6. confirm: the agent starts, becomes healthy and runs its first task.
            await wizard.MoveAcceptedAsync(id, "confirm");
            DeploymentView done = await wizard.WaitForEndAsync(id);
            output.WriteLine($"{templateId}: POST /agents → {done.Status} in {clock.Elapsed.TotalSeconds:0.0} s (people answering at once)");
            status = done.Creation!;
            Assert.True(status.State == CreationStates.Completed, $"{status.State}: {status.Error} {status.Message}");
            Assert.Equal((DeploymentStatus.Succeeded, 100, OrchestrationRuntimeStatus.Completed), (done.Status, done.Progress, done.RuntimeStatus));
            Assert.True(status.Health is { Healthy: true }, status.Health?.Reason);
            Assert.True(status.FirstTask is { Done: true, Succeeded: true }, status.FirstTask?.Failure);
            await CatchUpAsync();

            // The event log: 1…n without gaps, in the wizard's order; the cursor reads caught up with it exactly,
            // and so does paging through it 7 at a time.
            IReadOnlyList<DeploymentEvent> events = await wizard.AllEventsAsync(id);
            EventLog.AssertGapFree(events);
            string[] choosing = templateAtStart ? [] : [WaitingForInput, InputReceived];
            EventLog.AssertInOrder(events, [
                Created, .. choosing,
                TemplateChosen, WaitingForInput, InputReceived, ValidationFailed, WaitingForInput, InputReceived, ConfigurationValid, CostEstimated,
                SandboxResult, WaitingForInput, InputReceived, SandboxResult, WaitingForInput, InputReceived, ResourceProvisioned, WaitingForInput,
                InputReceived, HealthChecked, FirstTaskSent, FirstTaskChecked, AgentActivated, Completed]);
            Assert.Equal(status.LastEventSequence, events[^1].Sequence);
            EventLog.AssertSame(events, caughtUp);
            EventLog.AssertSame(events, await wizard.AllEventsAsync(id, pageSize: 7));
            (IReadOnlyList<DeploymentEvent> tail, long end) = await wizard.EventsAsync(id, events[^1].Sequence);
            Assert.Equal((0, events[^1].Sequence), (tail.Count, end));

            // Finished: no more moves; the planted secret is in nothing the app answered.
            await ProblemAssert.IsProblemAsync(await wizard.MoveAsync(id, "cancel"), HttpStatusCode.Conflict);
            Assert.All(wizard.Responses, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    private static void AssertPassed(SandboxSummary? sandbox)
    {
        Assert.NotNull(sandbox);
        Assert.True(sandbox.Passed, sandbox.Failure);
        Assert.All(sandbox.Tasks, t => Assert.True(t.Passed || t.Skipped, $"{t.TaskId}: {t.Failure}"));
        Assert.Contains(sandbox.Tasks, t => t.Passed);
    }
}
