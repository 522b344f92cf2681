using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class OrchestrationHandlerTests
{
    private static IAgentHandler Orchestrator(int maxParallelSteps = 4, int maxRetries = 2)
    {
        var configuration = Agents.Default("tmpl-orchestration");
        var settings = (OrchestrationSettings)configuration.Settings with { MaxParallelSteps = maxParallelSteps, MaxRetries = maxRetries };
        return Agents.Handler(Agents.Host(configuration with { Settings = settings }));
    }

    private static string[] Order(JsonElement result) => result.At("$.order").EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact(Timeout = 10_000)]
    public async Task Run_Chain_RunsInDependencyOrderAndPassesOutputsAlong()
    {
        await using var orchestrator = Orchestrator();

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","workflow":{"steps":[
              {"id":"total","action":"sum","dependsOn":["a","b"]},
              {"id":"a","action":"echo","input":{"value":2}},
              {"id":"b","action":"sum","dependsOn":["a"],"input":{"values":[1.5,2.5]}},
              {"id":"report","action":"echo","dependsOn":["total"]}]}}
            """);

        Assert.Equal("succeeded", result.At("$.status").GetString());
        Assert.Equal(["a", "b", "total", "report"], Order(result));
        Assert.Equal(4, result.At("$.steps.b.output").GetDecimal());
        Assert.Equal(6, result.At("$.steps.total.output").GetDecimal());
        Assert.Equal(6, result.At("$.steps.report.output.total").GetDecimal());
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_IndependentSteps_RunSideBySideUpToTheParallelLimit()
    {
        await using var orchestrator = Orchestrator(maxParallelSteps: 2);

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","workflow":{"steps":[
              {"id":"a","action":"delay","input":{"ms":150}},
              {"id":"b","action":"delay","input":{"ms":150}},
              {"id":"c","action":"delay","input":{"ms":150}},
              {"id":"join","action":"echo","dependsOn":["a","b","c"],"input":{"value":"done"}}]}}
            """);

        Assert.Equal("succeeded", result.At("$.status").GetString());
        Assert.Equal(2, result.At("$.maxObservedParallelism").GetInt32());
        Assert.Equal("join", Order(result)[3]);
        var joinStart = result.At("$.steps.join.startedAtMs").GetInt64();
        foreach (var step in new[] { "a", "b", "c" })
        {
            Assert.True(joinStart >= result.At($"$.steps.{step}.startedAtMs").GetInt64() + result.At($"$.steps.{step}.durationMs").GetInt64() - 1);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_ParallelLimitOne_RunsOneStepAtATime()
    {
        await using var orchestrator = Orchestrator(maxParallelSteps: 1);

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","workflow":{"steps":[{"id":"a","action":"delay","input":{"ms":30}},{"id":"b","action":"delay","input":{"ms":30}}]}}
            """);

        Assert.Equal(1, result.At("$.maxObservedParallelism").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_StepPastItsTimeout_TimesOutAndFailsTheWorkflowSkippingDependents()
    {
        await using var orchestrator = Orchestrator();

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","stepTimeoutSeconds":0.2,"maxRetries":1,"retryDelayMs":0,"workflow":{"steps":[
              {"id":"slow","action":"delay","input":{"ms":5000}},
              {"id":"after","action":"echo","dependsOn":["slow"],"input":{"value":1}}]}}
            """);

        Assert.Equal("failed", result.At("$.status").GetString());
        Assert.Equal("timedOut", result.At("$.steps.slow.status").GetString());
        Assert.Equal(2, result.At("$.steps.slow.attempts").GetInt32());
        Assert.Equal("skipped", result.At("$.steps.after.status").GetString());
        Assert.Contains("timed out", result.At("$.error").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_FlakyStepWithinRetryBudget_SucceedsAfterRetries()
    {
        await using var orchestrator = Orchestrator();

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","maxRetries":3,"retryDelayMs":1,"workflow":{"steps":[{"id":"flaky","action":"fail","input":{"times":3}}]}}
            """);

        Assert.Equal("succeeded", result.At("$.status").GetString());
        Assert.Equal(4, result.At("$.steps.flaky.attempts").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_FailuresBeyondRetryBudget_FailsWithTheLastError()
    {
        await using var orchestrator = Orchestrator(maxRetries: 1);

        var result = await Agents.RunAsync(orchestrator, """
            {"op":"run","retryDelayMs":1,"workflow":{"steps":[{"id":"flaky","action":"fail","input":{"times":5}}]}}
            """);

        Assert.Equal("failed", result.At("$.steps.flaky.status").GetString());
        Assert.Equal(2, result.At("$.steps.flaky.attempts").GetInt32());
        Assert.Equal("planned failure 2 of 5", result.At("$.steps.flaky.error").GetString());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""[{"id":"a","action":"echo","dependsOn":["c"]},{"id":"b","action":"echo","dependsOn":["a"]},{"id":"c","action":"echo","dependsOn":["b"]}]""", "cycle")]
    [InlineData("""[{"id":"a","action":"echo","dependsOn":["a"]}]""", "cycle")]
    [InlineData("""[{"id":"a","action":"echo","dependsOn":["ghost"]}]""", "unknown step 'ghost'")]
    [InlineData("""[{"id":"a","action":"echo"},{"id":"a","action":"echo"}]""", "used twice")]
    [InlineData("""[{"id":"a","action":"teleport"}]""", "unknown action")]
    [InlineData("""[{"id":"a","action":"delay"}]""", "'ms'")]
    public async Task Run_InvalidGraph_IsRejectedBeforeAnyStepRuns(string steps, string reason)
    {
        await using var orchestrator = Orchestrator();

        var result = await Agents.RunAsync(orchestrator, $$$"""{"op":"run","workflow":{"steps":{{{steps}}}}}""");

        Assert.Equal("rejected", result.At("$.status").GetString());
        Assert.Contains(reason, result.At("$.error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, result.At("$.order").GetArrayLength());
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_Cycle_ErrorShowsThePath()
    {
        await using var orchestrator = Orchestrator();

        var result = await Agents.RunAsync(orchestrator, """{"op":"run","workflow":{"steps":[{"id":"a","action":"echo","dependsOn":["b"]},{"id":"b","action":"echo","dependsOn":["a"]}]}}""");

        Assert.EndsWith("a -> b -> a", result.At("$.error").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Run_NoWorkflow_IsBadInput()
    {
        await using var orchestrator = Orchestrator();

        await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(orchestrator, """{"op":"run"}"""));
    }
}
