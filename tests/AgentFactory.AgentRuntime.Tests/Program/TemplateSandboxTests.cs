using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using Xunit.Abstractions;

namespace AgentFactory.AgentRuntime.Tests.Program;

/// <summary>
/// Every template's test tasks, run by the real program in sandbox mode exactly as the sandbox layer runs them
/// (redacted configuration file, tasks on stdin with ${SANDBOX_HTTP} substituted, the secret in the environment),
/// and every assertion evaluated with <see cref="TaskAssertion.Evaluate"/>.
/// </summary>
public class TemplateSandboxTests(EndpointFixture endpoint, ITestOutputHelper output) : IClassFixture<EndpointFixture>
{
    public static TheoryData<string, bool> Runs()
    {
        var data = new TheoryData<string, bool>();
        foreach (var template in Agents.Templates.List())
        {
            data.Add(template.Id, false);
            data.Add(template.Id, true);
        }

        return data;
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Runs))]
    public async Task Sandbox_TemplateTestTasks_EveryAssertionPasses(string templateId, bool allCapabilities)
    {
        var template = Agents.Template(templateId);
        var configuration = Agents.Default(templateId, "sandbox-agent");
        configuration = allCapabilities ? Agents.WithAllCapabilities(configuration) : configuration;
        var environment = RuntimeProcess.Environment(("API_TOKEN", EndpointFixture.Credential));
        if (template.Execution.NetworkAccess)
        {
            environment[AgentEnvironment.SandboxHttpVariable] = endpoint.Url;
        }

        var tasks = JsonSerializer.Serialize(template.TestTasks, AgentFactoryJson.Options).Replace(SandboxTestTask.SandboxHttpPlaceholder, endpoint.Url, StringComparison.Ordinal);

        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", RuntimeProcess.ConfigurationFile(configuration)], environment, tasks);

        output.WriteLine($"{templateId} ({(allCapabilities ? "all capabilities" : "default configuration")}): {template.TestTasks.Count} tasks, " +
            $"process start to last result {run.ToLastLine.TotalMilliseconds:0} ms, exit after {run.Total.TotalMilliseconds:0} ms");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Equal(template.TestTasks.Count, run.Lines.Count);
        Assert.DoesNotContain(EndpointFixture.Credential, run.Output + run.Errors, StringComparison.Ordinal);
        var selected = configuration.Capabilities.Selected;
        foreach (var (task, line) in template.TestTasks.Zip(run.Lines))
        {
            Assert.Equal(task.Id, line.GetProperty("taskId").GetString());
            if (!task.Covers.All(selected.Contains))
            {
                Assert.True(line.GetProperty("skipped").GetBoolean(), $"{task.Id} should be skipped: {line}");
                output.WriteLine($"  {task.Id}: skipped ({line.GetProperty("reason").GetString()})");
                continue;
            }

            Assert.True(line.GetProperty("ok").GetBoolean(), $"{task.Id} failed: {line}");
            var result = line.GetProperty("result");
            var failures = task.Expect.Select(assertion => assertion.Evaluate(result)).Where(outcome => !outcome.Passed).Select(outcome => outcome.Detail).ToList();
            Assert.True(failures.Count == 0, $"{task.Id}: {string.Join("; ", failures)}{Environment.NewLine}{result}");
            output.WriteLine($"  {task.Id}: passed in {line.GetProperty("durationMs").GetInt64()} ms");
        }
    }

    [Fact]
    public void Runs_CoverEveryTemplateAndEveryTestTask()
    {
        var covered = Agents.Templates.List().SelectMany(template => template.TestTasks.Where(task => task.Covers.All(Agents.WithAllCapabilities(Agents.Default(template.Id)).Capabilities.Selected.Contains))).Count();

        Assert.Equal(6, Agents.Templates.List().Count);
        Assert.Equal(Agents.Templates.List().Sum(template => template.TestTasks.Count), covered);
    }
}
