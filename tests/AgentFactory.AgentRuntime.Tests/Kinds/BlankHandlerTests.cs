using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class BlankHandlerTests
{
    private static IAgentHandler Blank()
    {
        var configuration = Agents.Default("tmpl-blank");
        configuration = configuration with
        {
            Capabilities = configuration.Capabilities with { Custom = ["ticket_triage"] },
            Settings = new CustomSettings { Properties = new Dictionary<string, string> { ["queue"] = "support", ["Tone"] = "formal" } },
        };
        return Agents.Handler(Agents.Host(configuration));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("\"hello, agent\"")]
    [InlineData("""{"items":[1,2,3],"nested":{"ok":true}}""")]
    [InlineData("null")]
    public async Task Echo_AnyMessage_ComesBackUnchanged(string message)
    {
        await using var blank = Blank();

        var result = await Agents.RunAsync(blank, $$"""{"op":"echo","message":{{message}}}""");

        Assert.Equal(message.Replace(" ", "", StringComparison.Ordinal), result.At("$.echo").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task Echo_NoMessage_IsBadInput()
    {
        await using var blank = Blank();

        await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(blank, """{"op":"echo"}"""));
    }

    [Fact(Timeout = 10_000)]
    public async Task Describe_ListsKindTemplateAndCustomCapabilitiesAndPropertyNames()
    {
        await using var blank = Blank();

        var result = await Agents.RunAsync(blank, """{"op":"describe"}""");

        Assert.Equal("custom", result.At("$.kind").GetString());
        Assert.Equal(["echo", "ticket_triage"], result.At("$.capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["Tone", "queue"], result.At("$.properties").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact(Timeout = 10_000)]
    public async Task Handle_CustomCapabilityOp_IsAcceptedAndEchoed()
    {
        await using var blank = Blank();

        var result = await Agents.RunAsync(blank, """{"op":"ticket_triage","ticket":7}""");

        Assert.True(result.At("$.accepted").GetBoolean());
        Assert.Equal(7, result.At("$.input.ticket").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Handle_UndeclaredOp_IsBadInput()
    {
        await using var blank = Blank();

        await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(blank, """{"op":"launch_rockets"}"""));
    }
}
