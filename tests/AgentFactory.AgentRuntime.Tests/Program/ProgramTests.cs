using System.Text.Json;
using AgentFactory.AgentRuntime.Tests.Support;

namespace AgentFactory.AgentRuntime.Tests.Program;

/// <summary>The program's command line, exit codes and streams, run as a real process.</summary>
public class ProgramTests(EndpointFixture endpoint) : IClassFixture<EndpointFixture>
{
    private static readonly string BlankConfig = RuntimeProcess.ConfigurationFile(Agents.Default("tmpl-blank"));

    [Fact(Timeout = 30_000)]
    public async Task Sandbox_AssertWithAFailingAssertion_ExitsOneAndNamesIt()
    {
        var tasks = """
            {"id":"good","input":{"op":"echo","message":"hi"},"expect":[{"path":"$.echo","kind":"equals","value":"hi"}]}
            {"id":"bad","input":{"op":"echo","message":"hi"},"expect":[{"path":"$.echo","kind":"equals","value":"bye"}]}
            """;

        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", BlankConfig, "--assert"], RuntimeProcess.Environment(), tasks);

        Assert.Equal(1, run.ExitCode);
        Assert.True(run.Lines[0].GetProperty("passed").GetBoolean());
        Assert.False(run.Lines[1].GetProperty("passed").GetBoolean());
        Assert.Equal("$.echo", run.Lines[1].GetProperty("failedAssertions")[0].GetProperty("path").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Sandbox_TasksFileWithAnUnreadableItem_RunsTheRestAndExitsOne()
    {
        var file = Path.Combine(Agents.TempDirectory(), "tasks.json");
        await File.WriteAllTextAsync(file, """[{"id":"a","input":{"op":"echo","message":1}},{"input":{"op":"echo"}},{"id":"c","input":{"op":"nope"}}]""");

        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", BlankConfig, "--tasks", file], RuntimeProcess.Environment());

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.Lines.Count);
        Assert.True(run.Lines[0].GetProperty("ok").GetBoolean());
        Assert.Contains("item 1: 'id'", run.Lines[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(run.Lines[2].GetProperty("ok").GetBoolean());
        Assert.Contains("Unknown op", run.Lines[2].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sandbox_LogsAreJsonLinesOnStderrAndResultsAloneOnStdout()
    {
        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", BlankConfig], RuntimeProcess.Environment(), """{"id":"a","input":{"op":"echo","message":1}}""");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Lines);
        var logs = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(logs, log => log.GetProperty("event").GetString() == "TaskFinished" && log.GetProperty("taskId").GetString() == "a");
        Assert.All(logs, log => Assert.True(log.TryGetProperty("ts", out _) && log.TryGetProperty("level", out _)));
    }

    [Fact(Timeout = 30_000)]
    public async Task Sandbox_SecretInTheEnvironment_NeverAppearsInOutputEvenWhenEchoed()
    {
        var configuration = Agents.Default("tmpl-api");
        const string secret = "s3cret-value-that-must-not-leak";

        // The endpoint echoes the query string: a task that puts the secret there gets it back in its result.
        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", RuntimeProcess.ConfigurationFile(configuration)],
            RuntimeProcess.Environment(("API_TOKEN", secret), ("SANDBOX_HTTP", endpoint.Url)),
            $$$"""{"id":"leak","input":{"op":"call","baseUrl":"{{{endpoint.Url}}}","path":"/echo?q={{{secret}}}"}}""");

        Assert.DoesNotContain(secret, run.Output + run.Errors, StringComparison.Ordinal);
        Assert.Equal("***", run.Lines[0].GetProperty("result").GetProperty("body").GetProperty("query").GetProperty("q").GetString());
        Assert.Contains("SecretMasked", run.Errors, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sandbox_AgentThatCannotRun_FailsEachTaskWithTheReasonAndExitsZero()
    {
        var configuration = Agents.Default("tmpl-api");
        configuration = configuration with { Settings = (Core.Configuration.Settings.ApiSettings)configuration.Settings with { BaseUrl = "not a url" } };

        var run = await RuntimeProcess.RunAsync(["sandbox", "--config", RuntimeProcess.ConfigurationFile(configuration)], RuntimeProcess.Environment(), """{"id":"a","input":{"op":"call"}}""");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("The agent could not run the task", run.Lines[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"event\":\"AgentFailed\"", run.Errors, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("sandbox")]
    [InlineData("sandbox --config /nonexistent.json")]
    [InlineData("launch")]
    [InlineData("sandbox --frobnicate")]
    [InlineData("")]
    public async Task Program_BadArguments_ExitsTwo(string args)
    {
        var run = await RuntimeProcess.RunAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries), RuntimeProcess.Environment());

        Assert.Equal(2, run.ExitCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Service_WithoutStorage_ExitsTwoSayingWhy()
    {
        var run = await RuntimeProcess.RunAsync(["service", "--config", BlankConfig], RuntimeProcess.Environment());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("AGENT_STORAGE", run.Output + run.Errors, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Health_NoHeartbeat_ExitsOne()
    {
        var run = await RuntimeProcess.RunAsync(["health"], RuntimeProcess.Environment());

        Assert.Equal(1, run.ExitCode);
        Assert.False(run.Lines[0].GetProperty("healthy").GetBoolean());
    }

    [Fact(Timeout = 30_000)]
    public async Task Endpoint_Command_ServesTheSandboxEndpointUntilSigterm()
    {
        await using var program = RuntimeProcess.Start(["endpoint"], RuntimeProcess.Environment());
        var announced = await program.WaitForLineAsync(line => line.TryGetProperty("sandboxHttp", out _), TimeSpan.FromSeconds(20));
        using var http = new HttpClient();

        var answer = await http.GetStringAsync(announced.GetProperty("sandboxHttp").GetString() + "/json/users/42");
        program.Terminate();
        var run = await program.WaitForExitAsync();

        Assert.Contains("Ada Lovelace", answer, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
    }
}
