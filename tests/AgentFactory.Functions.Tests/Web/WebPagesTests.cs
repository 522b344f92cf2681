using System.Net;
using System.Text.Json;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AgentFactory.Functions.Tests.Web;

/// <summary>
/// The web pages in a real browser against the real app (Kestrel, Azurite, the bubblewrap sandbox, the local Web PubSub
/// hub): an agent created through the wizard page end to end, followed live to Succeeded across a dropped connection;
/// then its history timeline in the operations console, and another instance terminated from there.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class WebPagesTests(WizardApp app, Browser browser, ITestOutputHelper output) : IClassFixture<WizardApp>, IClassFixture<Browser>
{
    // Generous bounds for a busy two-core machine; Playwright waits for the condition, not for the time.
    private static readonly LocatorAssertionsToHaveTextOptions Long = new() { Timeout = 120_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30_000 };

    [Fact(Timeout = 300_000)]
    public async Task WizardPage_CreatesAnAgentLive_ThenConsoleShowsItsTimeline_AndTerminatesAnother()
    {
        string tenant = "tenant-web-" + Guid.NewGuid().ToString("N")[..8];
        string name = "web-" + Guid.NewGuid().ToString("N")[..8];
        string secret = "planted-" + Guid.NewGuid().ToString("N");
        string portalKey = await app.Keys.CreateAsync(tenant, "portal", "test");
        string opsKey = await app.Keys.CreateAsync(tenant, "ops", "test");
        app.RemoveLater(tenant, name);
        Directory.CreateDirectory(Browser.ScreenshotDirectory);
        (IPage wizard, List<string> wizardErrors) = await browser.NewPageAsync(BaseAddress);
        try
        {
            // The key, entered with the keyboard (Enter submits), is checked with /api/whoami.
            await wizard.GotoAsync("/");
            await wizard.GetByLabel("Function key").FillAsync(portalKey);
            await wizard.GetByLabel("Function key").PressAsync("Enter");
            await Expect(wizard.GetByText($"tenant {tenant}, role portal")).ToBeVisibleAsync();

            // Template cards, filtered by category; chosen with the keyboard.
            await wizard.GetByLabel("Category").SelectOptionAsync("custom");
            await Expect(wizard.Locator("#template-cards li.card")).ToHaveCountAsync(1);
            ILocator choose = wizard.GetByRole(AriaRole.Button, new() { Name = "Choose Blank Agent" });
            await choose.FocusAsync();
            await wizard.Keyboard.PressAsync("Enter");

            // Configure: live validation puts each problem at its field (by JSON pointer), then clears them.
            await Expect(wizard.GetByRole(AriaRole.Heading, new() { Name = "2. Configure" })).ToBeVisibleAsync(Visible);
            string deploymentId = (await wizard.Locator("#deployment-id").TextContentAsync())!;
            Assert.StartsWith("dep-", deploymentId, StringComparison.Ordinal);
            ILocator nameField = wizard.GetByLabel("Name", new() { Exact = true });
            await nameField.FillAsync("Bad_Name");
            await wizard.GetByLabel("CPU cores").FillAsync("3");
            await Expect(wizard.Locator("[data-error-for='/name']")).ToContainTextAsync("must start with a lowercase letter");
            await Expect(wizard.Locator("[data-error-for='/resources/cpuCores']")).ToContainTextAsync("is not offered");
            await Expect(nameField).ToHaveAttributeAsync("aria-invalid", "true");
            await nameField.FillAsync(name);
            await wizard.GetByLabel("CPU cores").FillAsync("0.5");
            await wizard.GetByRole(AriaRole.Button, new() { Name = "Add variable" }).ClickAsync();
            await wizard.GetByLabel("Variable 1 name").FillAsync("API_TOKEN");
            await wizard.GetByLabel("Variable 1 secret").CheckAsync();
            await wizard.GetByLabel("Variable 1 value").FillAsync(secret);
            await Expect(wizard.Locator("#config-summary")).ToHaveTextAsync("The configuration is valid.");
            await Expect(wizard.Locator("[data-error-for='/name']")).ToBeEmptyAsync();

            // The sandbox tried on this configuration: results, metrics and logs.
            await wizard.GetByRole(AriaRole.Button, new() { Name = "Run sandbox tests" }).ClickAsync();
            await Expect(wizard.Locator("[data-sandbox-status]")).ToHaveTextAsync("Sandbox run passed", Long);
            await Expect(wizard.Locator("#try-result .metrics")).ToContainTextAsync("Peak memory");
            await Expect(wizard.Locator("#try-result pre.logs")).ToContainTextAsync("starting:");

            // Submit: the wizard validates, estimates and runs its own sandbox, then waits for approval.
            await wizard.GetByRole(AriaRole.Button, new() { Name = "Submit configuration" }).ClickAsync();
            await Expect(wizard.GetByText("Sandbox tests passed", new() { Exact = false }).First).ToBeVisibleAsync(new() { Timeout = 120_000 });
            await wizard.GetByRole(AriaRole.Button, new() { Name = "Approve provisioning" }).ClickAsync();

            // Review: the provisioned resources and the cost breakdown.
            await Expect(wizard.Locator("#cost-total")).ToContainTextAsync("USD a month", new() { Timeout = 120_000 });
            await Expect(wizard.Locator("#cost-lines tbody tr").First).ToBeVisibleAsync();
            await wizard.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotDirectory, "wizard-review.png"), FullPage = true });

            // The live connection drops during the deployment (the hub closes it); the page resumes and misses nothing.
            await Expect(wizard.Locator("#connection")).ToHaveTextAsync("live");
            await wizard.GetByRole(AriaRole.Button, new() { Name = "Confirm deployment" }).ClickAsync();
            LocalWebPubSubHub hub = app.Services.GetRequiredService<LocalWebPubSubHub>();
            Assert.Equal(1, hub.AbortSockets(ProgressGroups.For(deploymentId)));
            await Expect(wizard.Locator("#deployment-status")).ToHaveTextAsync("Succeeded", Long);
            await Expect(wizard.GetByText($"Agent {name} is running.")).ToBeVisibleAsync();
            long[] log = await LogAsync(portalKey, deploymentId);
            await Expect(wizard.Locator($"#events li[data-sequence='{log[^1]}']")).ToHaveAttributeAsync("data-type", "Completed");
            string[] shown = [.. (await wizard.Locator("#events li").AllAsync()).Select(l => l.GetAttributeAsync("data-sequence").Result!)];
            Assert.Equal(log.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), shown);
            await wizard.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotDirectory, "wizard.png"), FullPage = true });
            Assert.DoesNotContain(secret, await wizard.ContentAsync(), StringComparison.Ordinal);

            // Another creation, waiting at its first step: the one the operator terminates.
            string other = await CreateWaitingAsync(portalKey);

            // The console: dashboard, the agent's instance found by id prefix, its history as a timeline.
            (IPage console, List<string> consoleErrors) = await browser.NewPageAsync(BaseAddress);
            await console.GotoAsync("/ops/");
            await console.GetByLabel("Function key").FillAsync(opsKey);
            await console.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
            await Expect(console.Locator("#dashboard")).ToContainTextAsync("Success rate");
            await console.GetByRole(AriaRole.Checkbox, new() { Name = "Completed", Exact = true }).CheckAsync();
            await console.GetByLabel("Instance id starts with").FillAsync(deploymentId);
            await console.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
            await Expect(console.Locator("#instances tr")).ToHaveCountAsync(1);
            await console.GetByRole(AriaRole.Button, new() { Name = deploymentId }).ClickAsync();
            await Expect(console.Locator("#detail-status")).ToHaveTextAsync("Completed");
            await Expect(console.Locator("#timeline li[data-kind=activity]").Filter(new() { HasText = "activity ActivateAgent" })).ToHaveCountAsync(1);
            await Expect(console.Locator("#timeline li[data-kind=wait]").Filter(new() { HasText = "wait for DeploymentConfirmed" })).ToHaveCountAsync(1);
            await Expect(console.Locator("#timeline li[data-kind=timer]").First).ToBeVisibleAsync();
            await Expect(console.Locator("#custom-status")).ToContainTextAsync("\"state\": \"completed\"");
            await console.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotDirectory, "console.png"), FullPage = true });
            Assert.DoesNotContain(secret, await console.ContentAsync(), StringComparison.Ordinal);

            // Terminate the other one, after confirming.
            await console.GetByRole(AriaRole.Checkbox, new() { Name = "Completed", Exact = true }).UncheckAsync();
            await console.GetByLabel("Instance id starts with").FillAsync(other);
            await console.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
            await console.GetByRole(AriaRole.Button, new() { Name = other }).ClickAsync();
            await Expect(console.Locator("#detail-status")).ToHaveTextAsync("Running");
            await console.GetByRole(AriaRole.Button, new() { Name = "Terminate…" }).ClickAsync();
            await Expect(console.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Terminate the instance");
            await console.GetByLabel("Reason").FillAsync("ended from the console test");
            await console.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Terminate" }).ClickAsync();
            await Expect(console.Locator("#detail-status")).ToHaveTextAsync("Terminated", Long);
            await Expect(console.Locator("#output")).ToContainTextAsync("ended from the console test");
            await Expect(console.Locator($"#instances tr[data-instance-id='{other}'] td.status")).ToHaveTextAsync("Terminated");

            // A failed instance: its failure is highlighted in the timeline, with the error.
            string failed = await StartFailingAsync(opsKey);
            await console.GetByLabel("Instance id starts with").FillAsync(failed);
            await console.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
            await console.GetByRole(AriaRole.Button, new() { Name = failed }).ClickAsync();
            await Expect(console.Locator("#detail-status")).ToHaveTextAsync("Failed");
            await Expect(console.Locator("#timeline li.failed")).ToContainTextAsync("No orchestrator named 'NoSuchOrchestrator'");

            // Paging: the tenant's seven instances (the creation, the terminated one and the clean-up its terminate started, four
            // failed), five a page, by the continuation token.
            for (int i = 0; i < 3; i++)
            {
                await StartFailingAsync(opsKey);
            }

            await console.GetByLabel("Instance id starts with").FillAsync("");
            await console.GetByLabel("Page size").SelectOptionAsync("5");
            await console.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
            await Expect(console.Locator("#instances tr")).ToHaveCountAsync(5);
            await Expect(console.Locator("#page-info")).ToHaveTextAsync("Page 1: 5 instance(s), more on the next page.");
            await console.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
            await Expect(console.Locator("#page-info")).ToHaveTextAsync("Page 2: 2 instance(s), last page.");
            await Expect(console.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();
            await console.GetByRole(AriaRole.Button, new() { Name = "Previous page" }).ClickAsync();
            await Expect(console.Locator("#instances tr")).ToHaveCountAsync(5);

            output.WriteLine($"Screenshots: {Browser.ScreenshotDirectory} (wizard-review.png, wizard.png, console.png)");
            foreach (string e in wizardErrors.Concat(consoleErrors))
            {
                output.WriteLine(e);
            }

            Assert.DoesNotContain(wizardErrors.Concat(consoleErrors), e => e.StartsWith("uncaught:", StringComparison.Ordinal));
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task WizardPage_Back_Reset_Cancel()
    {
        string tenant = "tenant-web-" + Guid.NewGuid().ToString("N")[..8];
        string key = await app.Keys.CreateAsync(tenant, "portal", "test");
        (IPage wizard, List<string> errors) = await browser.NewPageAsync(BaseAddress);
        await wizard.GotoAsync("/");
        await wizard.GetByLabel("Function key").FillAsync(key);
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await wizard.GetByLabel("Complexity").SelectOptionAsync("medium");
        await Expect(wizard.Locator("#template-cards li.card")).ToHaveCountAsync(2); // memory and data
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Choose Memory Agent" }).ClickAsync();
        ILocator configure = wizard.GetByRole(AriaRole.Heading, new() { Name = "2. Configure" });
        await Expect(configure).ToBeVisibleAsync(Visible);
        await Expect(wizard.GetByLabel("Settings (memory, JSON)")).ToBeVisibleAsync();

        // Back to step 1; another template chosen there (the template move); reset returns to the start template.
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Back", Exact = true }).ClickAsync();
        await Expect(wizard.GetByRole(AriaRole.Heading, new() { Name = "1. Choose a template" })).ToBeVisibleAsync(Visible);
        await wizard.GetByLabel("Complexity").SelectOptionAsync("low");
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Choose Monitoring Agent" }).ClickAsync();
        await Expect(wizard.GetByLabel("Settings (monitoring, JSON)")).ToBeVisibleAsync(Visible);
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Reset", Exact = true }).ClickAsync();
        await Expect(wizard.GetByLabel("Settings (memory, JSON)")).ToBeVisibleAsync(Visible);
        await Expect(wizard.Locator("#events li[data-type=Reset]")).ToHaveCountAsync(1);

        // Cancel ends it; the moves are then disabled.
        await wizard.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(wizard.Locator("#deployment-status")).ToHaveTextAsync("Cancelled", new() { Timeout = 60_000 });
        await Expect(wizard.GetByText("The creation ended: cancelled.")).ToBeVisibleAsync();
        await Expect(wizard.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true })).ToBeDisabledAsync();
        Assert.DoesNotContain(errors, e => e.StartsWith("uncaught:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pages_AreAnonymous_TheApiStillNeedsAKey()
    {
        using HttpClient anonymous = app.Anonymous();
        foreach ((string path, string type) in new[] { ("/", "text/html"), ("/ops/", "text/html"), ("/js/wizard.js", "text/javascript"), ("/vendor/web-pubsub-client.js", "text/javascript"), ("/css/site.css", "text/css") })
        {
            HttpResponseMessage response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/platform/factory/templates")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/runtime/webhooks/durabletask/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/durabletask/instances")).StatusCode);

        // Behind the Functions host only /api/… reaches the app: the same pages below /api/web/, links relative.
        foreach (string path in new[] { "/", "/ops/", "/js/ops.js", "/css/site.css", "/vendor/web-pubsub-client.js" })
        {
            Assert.Equal(await anonymous.GetStringAsync(path), await anonymous.GetStringAsync("/api/web" + path));
        }

        HttpResponseMessage folder = await anonymous.GetAsync("/api/web/ops");
        Assert.Equal("/api/web/ops/", folder.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/web/nothing.js")).StatusCode);

        // The bundled Web PubSub client is the version package.json pins.
        string bundle = await anonymous.GetStringAsync("/vendor/web-pubsub-client.js");
        using JsonDocument package = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(Browser.ScreenshotDirectory)!, "..", "package.json")));
        string pinned = package.RootElement.GetProperty("devDependencies").GetProperty("@azure/web-pubsub-client").GetString()!;
        Assert.StartsWith($"// @azure/web-pubsub-client {pinned} ", bundle, StringComparison.Ordinal);
    }

    private Uri BaseAddress
    {
        get
        {
            using HttpClient client = app.CreateClient();
            return client.BaseAddress!;
        }
    }

    // Starts an orchestration no worker knows (the engine fails it at once) and waits until it has failed.
    private async Task<string> StartFailingAsync(string key)
    {
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        string id = "web-fail-" + Guid.NewGuid().ToString("N")[..12];
        HttpResponseMessage started = await client.PostAsync($"/runtime/webhooks/durabletask/orchestrators/NoSuchOrchestrator/{id}", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var deadline = new CancellationTokenSource(WizardHttp.Timeout);
        while (true)
        {
            using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync($"/runtime/webhooks/durabletask/instances/{id}", deadline.Token));
            if (status.RootElement.GetProperty("runtimeStatus").GetString() == "Failed")
            {
                return id;
            }

            await Task.Delay(25, deadline.Token);
        }
    }

    private async Task<string> CreateWaitingAsync(string key)
    {
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        var wizard = new WizardHttp(client);
        string id = await wizard.CreateAsync("{}");
        await wizard.WaitForInputAsync(id, global::AgentFactory.Functions.Orchestration.WizardStep.ChooseTemplate);
        return id;
    }

    private async Task<long[]> LogAsync(string key, string id)
    {
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return [.. (await new WizardHttp(client).AllEventsAsync(id)).Select(e => e.Sequence)];
    }
}
