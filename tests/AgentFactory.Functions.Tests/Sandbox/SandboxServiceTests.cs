using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxServiceTests(SandboxFixture containers, SandboxServiceFixture fixture, ITestOutputHelper output)
    : IClassFixture<SandboxServiceFixture>
{
    private static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();
    private const string Secret = "s3cr3t-value-that-must-never-appear";

    private SandboxService Service => fixture.Service(containers.Runtime);

    public static TheoryData<string> TemplateIds => new(Templates.List().Select(t => t.Id));

    private static AgentConfiguration Configure(AgentTemplate template) =>
        template.CreateDefaultConfiguration("sandbox-" + template.Category.ToString().ToLowerInvariant()) is var c
            ? c with { Advanced = c.Advanced with { Environment = [.. c.Advanced.Environment.Where(e => e.Name != "OTHER_SECRET"),
                new EnvironmentVariable { Name = "OTHER_SECRET", Value = Secret, Secret = true }] } }
            : throw new InvalidOperationException();

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(TemplateIds))]
    public async Task ExecuteAsync_TemplateSuite_EveryTaskPassesInTheIsolatedAgent_RunRecordedAndLogsOutliveTheSandbox(string templateId)
    {
        AgentTemplate template = Templates.Get(templateId)!;
        string deployment = Guid.NewGuid().ToString();

        await Service.StartAsync(deployment, Configure(template), template);
        SandboxRunResult run = await Service.ExecuteAsync(deployment, Configure(template), template);
        await Service.StopAsync(deployment);

        output.WriteLine($"{templateId}: {run.Status} in {run.Duration.TotalMilliseconds:0} ms (process start → last result), " +
            $"CPU {run.CpuSeconds:0.00} s, peak memory {run.PeakMemoryBytes / 1048576.0:0} MB; " +
            string.Join(", ", run.Tasks.Select(t => $"{t.TaskId}: {(t.Skipped ? "skipped" : t.Passed ? "passed" : t.Failure)}")));
        Assert.True(run.Status == SandboxTestStatus.Passed, string.Join("; ", run.Tasks.Select(t => t.Failure)) + run.Failure);
        Assert.Equal(template.TestTasks.Select(t => t.Id), run.Tasks.Select(t => t.TaskId));
        Assert.Contains(run.Tasks, t => t.Passed);
        Assert.True(run.CpuSeconds > 0 && run.PeakMemoryBytes > 0);

        SandboxTestRecord recorded = (await fixture.Runs.GetAsync(deployment, run.TestId))!;
        Assert.Equal((SandboxTestStatus.Passed, "template-suite", run.LogsReference), (recorded.Status, recorded.TestType, recorded.LogsReference));
        Assert.Contains("cpuSeconds", recorded.MetricsJson!, StringComparison.Ordinal);

        // The sandbox is gone; its log is not. Paged with the after cursor, every line once.
        Assert.Null(await containers.Runtime.GetAsync(SandboxService.ContainerName(deployment)));
        var lines = new List<SandboxLogLine>();
        long after = 0;
        SandboxLogPage page;
        do
        {
            page = (await Service.GetLogsAsync(deployment, run.TestId, after, max: 5))!;
            lines.AddRange(page.Lines);
            after = page.Cursor;
        }
        while (page.HasMore);
        Assert.Contains(lines, l => l.Stream == "StandardOutput" && l.Text.Contains(template.TestTasks[0].Id, StringComparison.Ordinal));
        Assert.Equal(lines.Select(l => l.Sequence).Distinct().Count(), lines.Count);
        Assert.DoesNotContain(lines, l => l.Text.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, recorded.ResultsJson + recorded.MetricsJson, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ExecuteAsync_ApiBaseUrlThatAcceptsNoConnection_FailureNamesTheTask()
    {
        // Valid for the validator (a well-formed URL), wrong in practice: nothing listens there.
        AgentTemplate template = Templates.Get("tmpl-api")!;
        AgentConfiguration configuration = Configure(template) with
        {
            Settings = ((ApiSettings)template.DefaultConfiguration.Settings) with { BaseUrl = "http://127.0.0.1:9" },
        };
        SandboxTestTask call = JsonSerializer.Deserialize<SandboxTestTask>("""
            {"id":"first-call","description":"The configured API answers.","covers":["http_requests"],
             "input":{"op":"call","method":"GET","path":"/health"},
             "expect":[{"path":"$.status","kind":"equals","value":200}]}
            """, AgentFactoryJson.Options)!;
        string deployment = Guid.NewGuid().ToString();

        await Service.StartAsync(deployment, configuration, template);
        SandboxRunResult run = await Service.ExecuteAsync(deployment, configuration, template, [call]);
        await Service.StopAsync(deployment);

        SandboxTaskResult task = Assert.Single(run.Tasks);
        output.WriteLine(task.Failure);
        Assert.Equal(SandboxTestStatus.Failed, run.Status);
        Assert.False(task.Passed);
        Assert.StartsWith("Task 'first-call'", task.Failure, StringComparison.Ordinal);
        Assert.Equal("custom-tasks", (await fixture.Runs.GetAsync(deployment, run.TestId))!.TestType);
    }

    [Fact(Timeout = 120_000)]
    public async Task ExecuteAsync_AgainAndWithAChangedConfiguration_EachRunInAFreshSandboxWithOnlyItsOwnLog()
    {
        AgentTemplate template = Templates.Get("tmpl-blank")!;
        string deployment = Guid.NewGuid().ToString();
        SandboxRunResult first = await Service.ExecuteAsync(deployment, Configure(template), template);
        SandboxRunResult again = await Service.ExecuteAsync(deployment, Configure(template), template);
        SandboxRunResult changed = await Service.ExecuteAsync(deployment,
            Configure(template) with { Resources = new ResourceSelection { CpuCores = 1m, MemoryMb = 1024, StorageGb = 1 } }, template);
        ContainerInfo? last = await containers.Runtime.GetAsync(SandboxService.ContainerName(deployment));
        await Service.StopAsync(deployment);

        Assert.Equal([SandboxTestStatus.Passed, SandboxTestStatus.Passed, SandboxTestStatus.Passed], new[] { first, again, changed }.Select(r => r.Status));
        Assert.Equal([changed.TestId, again.TestId, first.TestId], (await fixture.Runs.ListAsync(deployment)).Select(r => r.TestId));
        Assert.Equal(1024L * 1024 * 1024, last!.MemoryBytes);
        // Each run's log holds its own results only (one line per task): a sandbox runs once and is then made again.
        foreach (SandboxRunResult run in new[] { first, again, changed })
        {
            SandboxLogPage page = (await Service.GetLogsAsync(deployment, run.TestId, 0, max: 1000))!;
            Assert.Equal(template.TestTasks.Count, page.Lines.Count(l => l.Stream == "StandardOutput"));
        }
    }
}
