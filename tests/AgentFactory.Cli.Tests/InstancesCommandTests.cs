using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.EndToEnd;
using Xunit.Abstractions;

namespace AgentFactory.Cli.Tests;

/// <summary>
/// The operator's commands on a wizard deployment left waiting at its configuration step (a running orchestration
/// that makes nothing): list, show, history, raise, suspend, resume, terminate, restart, purge, with their exit codes.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class InstancesCommandTests(WizardApp app, ITestOutputHelper log)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(60);

    private async Task<string> StartWizardAsync(string key)
    {
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/platform/factory/agents", new { templateId = "tmpl-blank" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("deploymentId").GetString()!;
    }

    private async Task<CliRun> Cli(string key, params string[] args)
    {
        CliRun run = await CliHost.RunAsync(app, key, args);
        log.WriteLine($"> agentfactory {string.Join(' ', args)}\n{run}");
        return run;
    }

    private async Task<JsonElement> ShowAsync(string key, string id)
    {
        CliRun run = await CliHost.RunAsync(app, key, "instances", "show", id, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private Task UntilStatusAsync(string key, string id, string status) =>
        Eventually.TrueAsync(async () => (await ShowAsync(key, id)).GetProperty("runtimeStatus").GetString() == status, StateTimeout,
            $"{id} to be {status}");

    [Fact(Timeout = 300_000)]
    public async Task Instances_EveryOperation_WithItsExitCode()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);
        string from = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string id = await StartWizardAsync(key);
        await UntilStatusAsync(key, id, "Running");

        // list: a table, the JSON shape, a status filter, and every page with --top 1 --all.
        CliRun table = await Cli(key, "instances", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"^INSTANCE\s+NAME\s+STATUS\s+CREATED\s+UPDATED\n", table.Out);
        Assert.Matches($@"(?m)^{id}\s+\S+\s+Running\s+\d{{4}}-", table.Out);
        string second = await StartWizardAsync(key);
        CliRun paged = await Cli(key, "instances", "list", "--status", "Running,Pending", "--created-from", from, "--top", "1", "--all", "--json");
        using (JsonDocument list = JsonDocument.Parse(paged.Out))
        {
            Assert.Equal(new[] { id, second }.Order(), list.RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!).Order());
            Assert.Equal(JsonValueKind.Null, list.RootElement.GetProperty("continuationToken").ValueKind);
        }

        CliRun onePage = await Cli(key, "instances", "list", "--top", "1", "--json");
        using (JsonDocument list = JsonDocument.Parse(onePage.Out))
        {
            Assert.Equal(1, list.RootElement.GetProperty("instances").GetArrayLength());
            string token = list.RootElement.GetProperty("continuationToken").GetString()!;
            CliRun next = await Cli(key, "instances", "list", "--top", "1", "--continuation", token, "--json");
            string firstId = list.RootElement.GetProperty("instances")[0].GetProperty("instanceId").GetString()!;
            Assert.Equal([firstId == id ? second : id],
                JsonDocument.Parse(next.Out).RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()));
        }

        CliRun badFilter = await Cli(key, "instances", "list", "--status", "Sleeping");
        Assert.Equal(ExitCodes.Rejected, badFilter.ExitCode);
        Assert.Contains("  runtimeStatus: ", badFilter.Error, StringComparison.Ordinal);

        // show: fields and the custom status; with --history, the history table.
        CliRun show = await Cli(key, "instances", "show", id, "--history");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches($@"(?m)^instance\s+{id}$", show.Out);
        Assert.Matches(@"(?m)^status\s+Running$", show.Out);
        Assert.Contains("custom status:", show.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^TIME\s+EVENT\s+NAME\s+DETAIL$", show.Out);
        Assert.Matches(@"(?m)\sExecutionStarted\s", show.Out);

        // raise: the event lands in the history.
        CliRun raise = await Cli(key, "instances", "raise", id, "OperatorNote", "--data", "{\"note\":\"checked\"}");
        Assert.True(raise.ExitCode == 0, raise.ToString());
        Assert.Equal($"Raised 'OperatorNote' on {id}.\n", raise.Out);
        await Eventually.TrueAsync(async () =>
        {
            CliRun history = await CliHost.RunAsync(app, key, "instances", "history", id, "--json");
            return JsonDocument.Parse(history.Out).RootElement.EnumerateArray()
                .Any(e => e.GetProperty("EventType").GetString() == "EventRaised" && e.GetProperty("Name").GetString() == "OperatorNote");
        }, StateTimeout, "the raised event in the history");
        CliRun historyTable = await Cli(key, "instances", "history", id);
        Assert.Matches(@"(?m)\sEventRaised\s+OperatorNote", historyTable.Out);

        // suspend and resume, with a reason.
        Assert.Equal(0, (await Cli(key, "instances", "suspend", id, "--reason", "looking into it")).ExitCode);
        await UntilStatusAsync(key, id, "Suspended");
        Assert.Equal(0, (await Cli(key, "instances", "resume", id, "--reason", "all fine")).ExitCode);
        await UntilStatusAsync(key, id, "Running");

        // purge refuses a running instance: 412 → exit 6.
        CliRun early = await Cli(key, "instances", "purge", id);
        Assert.Equal(ExitCodes.Rejected, early.ExitCode);
        Assert.Contains("error: Instance still running (HTTP 412)", early.Error, StringComparison.Ordinal);

        // terminate; once finished, a second terminate and a raise are 410 → exit 6.
        CliRun terminate = await Cli(key, "instances", "terminate", id, "--reason", "cli test done", "--json");
        Assert.Equal(0, terminate.ExitCode);
        Assert.Equal("{\"accepted\":true,\"status\":202}\n", terminate.Out);
        await UntilStatusAsync(key, id, "Terminated");
        Assert.Equal("cli test done", (await ShowAsync(key, id)).GetProperty("output").GetString());
        CliRun again = await Cli(key, "instances", "terminate", id);
        Assert.Equal(ExitCodes.Rejected, again.ExitCode);
        Assert.Contains("(HTTP 410)", again.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Rejected, (await Cli(key, "instances", "raise", id, "Late")).ExitCode);

        // restart: a new instance from the same input, which runs.
        CliRun restart = await Cli(key, "instances", "restart", id);
        Assert.True(restart.ExitCode == 0, restart.ToString());
        string restarted = System.Text.RegularExpressions.Regex.Match(restart.Out, $@"^Restarted {id} as (\S+)\.$", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEqual("", restarted);
        Assert.NotEqual(id, restarted);
        await UntilStatusAsync(key, restarted, "Running");

        // purge one by id; it is gone (404 → exit 2) for show and history.
        CliRun purge = await Cli(key, "instances", "purge", id);
        Assert.Equal("Purged 1 instance(s).\n", purge.Out);
        Assert.Equal(ExitCodes.NotFound, (await Cli(key, "instances", "show", id)).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await Cli(key, "instances", "history", id)).ExitCode);

        // purge by filter: the terminated ones since the test began; then nothing is left to purge (404 → exit 2).
        foreach (string running in new[] { restarted, second })
        {
            Assert.Equal(0, (await Cli(key, "instances", "terminate", running)).ExitCode);
            await UntilStatusAsync(key, running, "Terminated");
        }

        CliRun byFilter = await Cli(key, "instances", "purge", "--created-from", from, "--status", "Terminated", "--json");
        Assert.Equal(2, JsonDocument.Parse(byFilter.Out).RootElement.GetProperty("instancesDeleted").GetInt32());
        CliRun none = await Cli(key, "instances", "purge", "--created-from", from, "--status", "Terminated");
        Assert.Equal(ExitCodes.NotFound, none.ExitCode);
        Assert.Contains("error: Nothing to purge (HTTP 404)", none.Error, StringComparison.Ordinal);
    }
}
