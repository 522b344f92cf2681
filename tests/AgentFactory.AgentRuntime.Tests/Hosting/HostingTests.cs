using System.Text;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Service;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration;

namespace AgentFactory.AgentRuntime.Tests.Hosting;

public class HostingTests
{
    [Fact]
    public void SecretRedactor_SecretEnvironmentValuesAndStorageKey_AreMaskedLongestFirst()
    {
        var configuration = Agents.Default("tmpl-api") with
        {
            Advanced = new AdvancedSettings { Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = "***", Secret = true }, new EnvironmentVariable { Name = "REGION", Value = "eu" }] },
        };
        var environment = new AgentEnvironment(new Dictionary<string, string>
        {
            ["API_TOKEN"] = "tok-123456",
            ["REGION"] = "west-europe",
            [AgentEnvironment.StorageVariable] = "AccountName=a;AccountKey=S3cr3tKey==;",
        });

        var redactor = SecretRedactor.For(configuration, environment);

        Assert.Equal("a *** b *** c west-europe", redactor.Redact("a tok-123456 b S3cr3tKey== c west-europe"));
    }

    [Fact]
    public void SecretRedactor_VeryShortValues_AreNotMasked()
    {
        Assert.Equal("a b c", new SecretRedactor(["b", null, ""]).Redact("a b c"));
    }

    [Theory]
    [InlineData("support-bot", "-poison", "support-bot-poison")]
    [InlineData("a-very-long-agent-name-that-fills-nearly-all-of-the-63-chars-x", "-poison", null)]
    public void QueueNames_Derived_StaysWithin63Characters(string name, string suffix, string? expected)
    {
        var derived = QueueNames.Derived(name, suffix);

        Assert.True(derived.Length <= QueueNames.MaxLength);
        Assert.EndsWith(suffix, derived, StringComparison.Ordinal);
        Assert.DoesNotContain("--", derived, StringComparison.Ordinal);
        if (expected is not null)
        {
            Assert.Equal(expected, derived);
        }
        else
        {
            Assert.NotEqual(derived, QueueNames.Derived(name[..^1] + "y", suffix));
        }
    }

    [Theory]
    [InlineData("sandbox --config c.json --tasks - --assert", "sandbox", true)]
    [InlineData("service --config c.json", "service", false)]
    public void CommandLine_KnownArguments_Parse(string args, string command, bool assert)
    {
        var parsed = CommandLine.Parse(args.Split(' '), out _)!;

        Assert.Equal((command, "c.json", assert), (parsed.Command, parsed.Get("--config"), parsed.Has("--assert")));
    }

    [Theory]
    [InlineData("sandbox --config")]
    [InlineData("sandbox --verbose")]
    public void CommandLine_IncompleteOrUnknown_IsRejected(string args)
    {
        Assert.Null(CommandLine.Parse(args.Split(' '), out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TaskMessage_JsonAndBase64_ReadTheSameTask()
    {
        const string json = """{"id":"t1","input":{"op":"echo","message":"hi"}}""";

        var plain = TaskMessage.Parse(BinaryData.FromString(json));
        var encoded = TaskMessage.Parse(BinaryData.FromString(Convert.ToBase64String(Encoding.UTF8.GetBytes(json))));

        Assert.Equal("t1", plain.Task!.Id);
        Assert.Equal(plain.Task.Input.GetRawText(), encoded.Task!.Input.GetRawText());
    }

    [Theory]
    [InlineData("not json {")]
    [InlineData("""{"input":{"op":"echo"}}""")]
    [InlineData("""{"id":"x","input":"echo"}""")]
    public void TaskMessage_Broken_IsAnErrorNotAnException(string body)
    {
        var read = TaskMessage.Parse(BinaryData.FromString(body));

        Assert.Null(read.Task);
        Assert.NotNull(read.Error);
    }

    [Fact(Timeout = 10_000)]
    public async Task TaskReader_JsonLinesWithBlankAndBrokenLines_ReadsEachInOrder()
    {
        using var reader = new StringReader("{\"id\":\"a\",\"input\":{\"op\":\"x\"}}\n\n{broken\n{\"id\":\"c\",\"input\":{\"op\":\"y\"},\"covers\":[\"echo\"]}\n");

        var reads = await TaskReader.ReadAsync(reader, text => text, CancellationToken.None).ToListAsync();

        Assert.Equal(["a", null, "c"], reads.Select(r => r.Task?.Id));
        Assert.StartsWith("line 3", reads[1].Error, StringComparison.Ordinal);
        Assert.Equal(["echo"], reads[2].Task!.Covers);
    }

    [Fact]
    public void TaskChecks_CoveredCapabilityNotSelected_SkipsTheTask()
    {
        var configuration = Agents.Default("tmpl-memory");
        using var input = System.Text.Json.JsonDocument.Parse("{}");
        var task = new AgentTask("t", input.RootElement) { Covers = ["memory_storage", "semantic_search"] };

        Assert.Equal("capabilities not selected: semantic_search", TaskChecks.SkipReason(task, configuration));
        Assert.Null(TaskChecks.SkipReason(task with { Covers = ["memory_storage"] }, configuration));
    }

    [Fact(Timeout = 10_000)]
    public async Task TaskRunner_HandlerIgnoringItsToken_TimesOut()
    {
        var runner = new TaskRunner(SecretRedactor.None, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromMilliseconds(100));
        using var input = System.Text.Json.JsonDocument.Parse("""{"op":"hang"}""");

        var outcome = await runner.RunAsync(new HangingHandler(), new AgentTask("t", input.RootElement), CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Contains("did not finish", outcome.Error, StringComparison.Ordinal);
    }

    private sealed class HangingHandler : IAgentHandler
    {
        private readonly TaskCompletionSource<object> never = new();

        public Task<object> HandleAsync(string op, System.Text.Json.JsonElement input, CancellationToken cancellationToken) => never.Task;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
