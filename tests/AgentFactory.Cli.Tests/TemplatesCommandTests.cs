using System.Text.Json;
using AgentFactory.Functions.Tests.EndToEnd;

namespace AgentFactory.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class TemplatesCommandTests(WizardApp app)
{
    private static readonly string[] AllTemplates = ["tmpl-api", "tmpl-blank", "tmpl-data", "tmpl-memory", "tmpl-monitoring", "tmpl-orchestration"];

    [Fact]
    public async Task TemplatesList_PrintsATableOfEveryTemplate()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);

        CliRun run = await CliHost.RunAsync(app, key, "templates", "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^ID\s+VERSION\s+NAME\s+CATEGORY\s+COMPLEXITY\s+MINUTES$", lines[0]);
        Assert.Equal(AllTemplates, lines.Skip(1).Select(l => l.Split(' ')[0]).Order());
        Assert.Contains(lines, l => l.StartsWith("tmpl-memory", StringComparison.Ordinal) && l.Contains("memory", StringComparison.Ordinal)
            && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == "1");
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task TemplatesList_Json_IsTheApiArray_AndFiltersAreSent()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);

        CliRun all = await CliHost.RunAsync(app, key, "templates", "list", "--json");
        CliRun memory = await CliHost.RunAsync(app, key, "templates", "list", "--category", "memory", "--json");

        Assert.True(all.ExitCode == 0, all.ToString());
        using JsonDocument templates = JsonDocument.Parse(all.Out);
        Assert.Equal(AllTemplates, templates.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()).Order());
        Assert.True(templates.RootElement[0].TryGetProperty("defaultConfiguration", out _));
        using JsonDocument filtered = JsonDocument.Parse(memory.Out);
        Assert.Equal(["tmpl-memory"], filtered.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task TemplatesList_UnknownComplexity_PrintsTheProblem_ExitsRejected()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);

        CliRun run = await CliHost.RunAsync(app, key, "templates", "list", "--complexity", "extreme");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("error: Invalid query parameter (HTTP 400)", run.Error, StringComparison.Ordinal);
        Assert.Contains("'complexity' must be one of: low, medium, high.", run.Error, StringComparison.Ordinal);
    }
}
