using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
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
