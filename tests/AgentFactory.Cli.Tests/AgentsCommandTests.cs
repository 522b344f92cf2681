using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.EndToEnd;
using Xunit.Abstractions;

namespace AgentFactory.Cli.Tests;

/// <summary><c>agents create --wait</c> to a running agent, <c>agents status</c>, and an invalid configuration refused.</summary>
[Collection(CliCollection.Name)]
public sealed class AgentsCommandTests(WizardApp app, ITestOutputHelper log) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentfactory-cli-").FullName;

    private string WriteConfiguration(string templateId, string name, Func<JsonObject, JsonObject>? change = null)
    {
        AgentConfiguration configuration = TemplateCatalog.LoadEmbedded().Get(templateId)!.CreateDefaultConfiguration(name);
        JsonObject json = JsonSerializer.SerializeToNode(configuration, AgentFactoryJson.Options)!.AsObject();
        string path = Path.Combine(_directory, name + ".json");
        File.WriteAllText(path, (change?.Invoke(json) ?? json).ToJsonString());
        return path;
    }

    [Fact(Timeout = 300_000)]
    public async Task AgentsCreate_Wait_ShowsProgressToSucceeded_ThenStatus()
    {
        (string tenant, string key) = await CliHost.NewTenantAsync(app);
        string name = "cli-mem-" + Guid.NewGuid().ToString("N")[..6];
        app.RemoveLater(tenant, name);
        try
        {
            string config = WriteConfiguration("tmpl-memory", name);

            CliRun run = await CliHost.RunAsync(app, key, "agents", "create", "--template", "tmpl-memory", "--config", config, "--wait");
            log.WriteLine(run.ToString());

            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            string[] lines = run.Out.TrimEnd().Split('\n');
            Assert.Matches(@"^Deployment dep-\w+ created \(template tmpl-memory\); following its progress…$", lines[0]);
            string id = lines[0].Split(' ')[1];
            // One line per event, in order, from the first (Created) to the agent running.
            string[] progress = [.. lines.Skip(1).SkipLast(1)];
            Assert.Matches(@"^\d\d:\d\d:\d\d  \[\s*\d+%\]  ", progress[0]);
            Assert.Contains("Created", progress[0], StringComparison.Ordinal);
            foreach (string type in new[] { "ConfigurationValid", "SandboxResult", "ResourceProvisioned", "AgentActivated", "Completed" })
            {
                Assert.Contains(progress, l => l.Contains(" " + type + " ", StringComparison.Ordinal) || l.EndsWith(" " + type, StringComparison.Ordinal));
            }

            Assert.Contains(progress, l => l.Contains("[100%]", StringComparison.Ordinal));
            Assert.Equal($"Succeeded: agent '{name}' is running (deployment {id}).", lines[^1]);

            CliRun status = await CliHost.RunAsync(app, key, "agents", "status", id);
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Matches(@"(?m)^status\s+succeeded \(orchestration completed\)$", status.Out);
            Assert.Matches($@"(?m)^agent\s+{name}$", status.Out);
            Assert.Matches(@"(?m)^RESOURCE\s+KIND\s+NAME\s+CHANGE$", status.Out);

            CliRun json = await CliHost.RunAsync(app, key, "agents", "status", id, "--json");
            using JsonDocument view = JsonDocument.Parse(json.Out);
            Assert.Equal("succeeded", view.RootElement.GetProperty("status").GetString());
            Assert.Equal(id, view.RootElement.GetProperty("deploymentId").GetString());
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task AgentsCreate_Wait_AsASeparateProcess_OnTheRealPort()
    {
        (string tenant, string key) = await CliHost.NewTenantAsync(app);
        string name = "cli-proc-" + Guid.NewGuid().ToString("N")[..6];
        app.RemoveLater(tenant, name);
        try
        {
            // The template only in the file and no version: the tool pins the latest through GET /templates/{id}.
            string config = WriteConfiguration("tmpl-blank", name, json =>
            {
                json.Remove("templateVersion");
                return json;
            });

            CliRun templates = await CliHost.RunProcessAsync(CliHost.Url(app), key, "templates", "list", "--json");
            CliRun run = await CliHost.RunProcessAsync(CliHost.Url(app), key, "agents", "create", "--config", config, "--wait", "--json");
            log.WriteLine(run.ToString());

            Assert.True(templates.ExitCode == 0, templates.ToString());
            Assert.Equal(6, JsonDocument.Parse(templates.Out).RootElement.GetArrayLength());
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            // --json: stdout is the final status document alone; the progress lines went to stderr.
            using JsonDocument view = JsonDocument.Parse(run.Out);
            Assert.Equal("succeeded", view.RootElement.GetProperty("status").GetString());
            Assert.Equal(1, view.RootElement.GetProperty("templateVersion").GetInt32());
            Assert.Contains(" AgentActivated ", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(key, run.Out + run.Error, StringComparison.Ordinal);
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    [Fact]
    public async Task AgentsCreate_InvalidConfiguration_PrintsEveryProblem_CreatesNothing()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);
        string config = WriteConfiguration("tmpl-blank", "cli-invalid", json =>
        {
            json["name"] = "Not A Valid Name!";
            json["tier"] = "platinum";
            return json;
        });

        CliRun run = await CliHost.RunAsync(app, key, "agents", "create", "--template", "tmpl-blank", "--config", config, "--wait");
        CliRun instances = await CliHost.RunAsync(app, key, "instances", "list", "--json");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: The configuration is not valid; nothing was created.", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  /name: [\w.]+: ", run.Error);
        Assert.Matches(@"(?m)^  /tier: [\w.]+: ", run.Error);
        Assert.Equal(0, JsonDocument.Parse(instances.Out).RootElement.GetProperty("instances").GetArrayLength());
    }

    [Fact(Timeout = 300_000)]
    public async Task AgentsCreate_Wait_DeploymentFails_ExitsFailed_WithItsProblems()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);
        // "***" asks to keep a secret of an earlier submission: the configuration's rules accept it (POST /validate
        // passes), but a new deployment has no earlier value, so the orchestration's validation fails the creation.
        string config = WriteConfiguration("tmpl-blank", "cli-fails-" + Guid.NewGuid().ToString("N")[..6], json =>
        {
            json["advanced"]!["environment"] = new JsonArray(new JsonObject { ["name"] = "API_TOKEN", ["value"] = "***", ["secret"] = true });
            return json;
        });

        CliRun run = await CliHost.RunAsync(app, key, "agents", "create", "--template", "tmpl-blank", "--config", config, "--wait");
        log.WriteLine(run.ToString());

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains(" ValidationFailed ", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^error: the deployment ended failed: ", run.Error);
        Assert.Matches(@"(?m)^  /advanced/environment/0/value: secret\.missing: ", run.Error);
        Assert.DoesNotContain("Succeeded:", run.Out, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task AgentsCreate_Wait_InstanceTerminated_ExitsFailed_InsteadOfWaitingForever()
    {
        (string tenant, string key) = await CliHost.NewTenantAsync(app);
        string name = "cli-term-" + Guid.NewGuid().ToString("N")[..6];
        app.RemoveLater(tenant, name);
        try
        {
            string config = WriteConfiguration("tmpl-blank", name);
            Task<CliRun> waiting = CliHost.RunAsync(app, key, "agents", "create", "--config", config, "--wait");

            // The tenant is new: its only instance is this creation. Terminate it as soon as it exists.
            string id = "";
            await Eventually.TrueAsync(async () =>
            {
                CliRun list = await CliHost.RunAsync(app, key, "instances", "list", "--json");
                JsonElement[] instances = [.. JsonDocument.Parse(list.Out).RootElement.GetProperty("instances").EnumerateArray()];
                id = instances.Length == 1 ? instances[0].GetProperty("instanceId").GetString()! : "";
                return id.Length > 0;
            }, TimeSpan.FromSeconds(60), "the creation's instance");
            CliRun terminate = await CliHost.RunAsync(app, key, "instances", "terminate", id, "--reason", "stopped by the test");
            Assert.True(terminate.ExitCode == 0, terminate.ToString());

            CliRun run = await waiting;
            log.WriteLine(run.ToString());
            Assert.Equal(ExitCodes.Failed, run.ExitCode);
            Assert.Contains("(orchestration terminated)", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            await app.RemoveContainersAsync();
        }
    }

    [Fact]
    public async Task AgentsCreate_TemplateDiffersFromTheFile_ExitsUsage()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);
        string config = WriteConfiguration("tmpl-blank", "cli-mismatch");

        CliRun run = await CliHost.RunAsync(app, key, "agents", "create", "--template", "tmpl-memory", "--config", config);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("differs from the configuration's templateId 'tmpl-blank'", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
