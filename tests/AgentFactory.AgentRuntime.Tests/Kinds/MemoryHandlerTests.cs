using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Kinds.Memory;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class MemoryHandlerTests
{
    private static IAgentHandler Memory(int maxContextSize = 10_000, MemoryType type = MemoryType.Hybrid, int retentionDays = 30)
    {
        var configuration = Agents.Default("tmpl-memory");
        var settings = (MemorySettings)configuration.Settings with { MaxContextSize = maxContextSize, MemoryType = type, RetentionDays = retentionDays };
        return Agents.Handler(Agents.Host(configuration with { Settings = settings }));
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_RareQueryWordMatchesOneEntry_RanksItFirst()
    {
        await using var memory = Memory();
        await Agents.RunAsync(memory, """{"op":"remember","key":"plan","text":"Customer 42 is on the Professional plan.","tier":"longTerm"}""");
        await Agents.RunAsync(memory, """{"op":"remember","key":"contact","text":"Customer 42 prefers e-mail.","tier":"shortTerm"}""");

        var result = await Agents.RunAsync(memory, """{"op":"recall","query":"Which plan is customer 42 on?","limit":5}""");

        Assert.Equal("plan", result.At("$.entries[0].key").GetString());
        Assert.Equal("contact", result.At("$.entries[1].key").GetString());
        Assert.True(result.At("$.entries[0].score").GetDouble() > result.At("$.entries[1].score").GetDouble());
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_NothingMatches_ReturnsNoEntries()
    {
        await using var memory = Memory();
        await Agents.RunAsync(memory, """{"op":"remember","key":"a","text":"The office plant is a ficus."}""");

        var result = await Agents.RunAsync(memory, """{"op":"recall","query":"invoice overdue"}""");

        Assert.Equal(0, result.At("$.entries").GetArrayLength());
        Assert.False(result.At("$.truncated").GetBoolean());
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_MoreThanFitsTheContext_StopsAtTheBoundAndSaysTruncated()
    {
        await using var memory = Memory(maxContextSize: 256);
        var text = new string('x', 100) + " invoice";
        for (var i = 0; i < 4; i++)
        {
            await Agents.RunAsync(memory, $$"""{"op":"remember","key":"k{{i}}","text":"{{text}}"}""");
        }

        var result = await Agents.RunAsync(memory, """{"op":"recall","query":"invoice","limit":10}""");

        Assert.Equal(2, result.At("$.entries").GetArrayLength());
        Assert.Equal(2 * text.Length, result.At("$.contextSize").GetInt32());
        Assert.True(result.At("$.truncated").GetBoolean());
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_BestEntryLongerThanTheContext_ReturnsItCut()
    {
        await using var memory = Memory(maxContextSize: 256);
        await Agents.RunAsync(memory, $$"""{"op":"remember","key":"long","text":"invoice {{new string('y', 400)}}"}""");

        var result = await Agents.RunAsync(memory, """{"op":"recall","query":"invoice"}""");

        Assert.Equal(256, result.At("$.entries[0].text").GetString()!.Length);
        Assert.Equal(256, result.At("$.contextSize").GetInt32());
        Assert.True(result.At("$.truncated").GetBoolean());
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_AfterRetentionOnTheSandboxClock_ForgetsExpiredEntriesOfBothTiers()
    {
        await using var memory = Memory(retentionDays: 30);
        await Agents.RunAsync(memory, """{"op":"remember","key":"short","text":"promo code SPRING","tier":"shortTerm","retentionDays":1}""");
        await Agents.RunAsync(memory, """{"op":"remember","key":"long","text":"promo code SUMMER","tier":"longTerm","retentionDays":1}""");
        await Agents.RunAsync(memory, """{"op":"remember","key":"kept","text":"promo code AUTUMN","tier":"longTerm"}""");

        var before = await Agents.RunAsync(memory, """{"op":"recall","query":"promo code"}""");
        await Agents.RunAsync(memory, """{"op":"advanceClock","days":2}""");
        var after = await Agents.RunAsync(memory, """{"op":"recall","query":"promo code"}""");

        Assert.Equal(3, before.At("$.entries").GetArrayLength());
        Assert.Equal("kept", after.At("$.entries[0].key").GetString());
        Assert.Equal(1, after.At("$.entries").GetArrayLength());
    }

    [Fact(Timeout = 10_000)]
    public async Task Remember_ReportsExpiryFromTheSettingsRetention()
    {
        await using var memory = Memory(retentionDays: 7);

        var result = await Agents.RunAsync(memory, """{"op":"remember","key":"a","text":"fact"}""");

        var expires = result.At("$.expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
        Assert.Equal("longTerm", result.At("$.tier").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Forget_KnownAndUnknownKey_SaysWhetherSomethingWasForgotten()
    {
        await using var memory = Memory();
        await Agents.RunAsync(memory, """{"op":"remember","key":"hint","text":"staging password hint"}""");

        var first = await Agents.RunAsync(memory, """{"op":"forget","key":"hint"}""");
        var second = await Agents.RunAsync(memory, """{"op":"forget","key":"hint"}""");
        var recall = await Agents.RunAsync(memory, """{"op":"recall","query":"staging password hint"}""");

        Assert.True(first.At("$.forgotten").GetBoolean());
        Assert.False(second.At("$.forgotten").GetBoolean());
        Assert.Equal(0, recall.At("$.entries").GetArrayLength());
    }

    [Fact(Timeout = 10_000)]
    public async Task Remember_SameKeyInTheOtherTier_ReplacesTheEntry()
    {
        await using var memory = Memory();
        await Agents.RunAsync(memory, """{"op":"remember","key":"k","text":"old invoice text","tier":"longTerm"}""");
        await Agents.RunAsync(memory, """{"op":"remember","key":"k","text":"new invoice text","tier":"shortTerm"}""");

        var result = await Agents.RunAsync(memory, """{"op":"recall","query":"invoice"}""");

        Assert.Equal(1, result.At("$.entries").GetArrayLength());
        Assert.Equal("new invoice text", result.At("$.entries[0].text").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Remember_ShortTermOnlyAgent_KeepsLongTermRequestsShortTerm()
    {
        await using var memory = Memory(type: MemoryType.ShortTerm);

        var result = await Agents.RunAsync(memory, """{"op":"remember","key":"k","text":"t","tier":"longTerm"}""");

        Assert.Equal("shortTerm", result.At("$.tier").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Recall_SemanticQueryWithSynonymsOnly_FindsTheEntryButKeywordRecallDoesNot()
    {
        await using var memory = Memory();
        await Agents.RunAsync(memory, """{"op":"remember","key":"fleet","text":"The company owns twelve automobiles."}""");

        var keyword = await Agents.RunAsync(memory, """{"op":"recall","query":"how many cars"}""");
        var semantic = await Agents.RunAsync(memory, """{"op":"recall","query":"how many cars","semantic":true}""");

        Assert.Equal(0, keyword.At("$.entries").GetArrayLength());
        Assert.Equal("fleet", semantic.At("$.entries[0].key").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Sequence_MaxContextSizeOverride_AppliesToItsRecalls()
    {
        await using var memory = Memory(maxContextSize: 10_000);

        var result = await Agents.RunAsync(memory, $$"""
            {"op":"sequence","maxContextSize":256,"ops":[
              {"op":"remember","key":"a","text":"invoice {{new string('a', 200)}}"},
              {"op":"remember","key":"b","text":"invoice {{new string('b', 200)}}"},
              {"op":"recall","query":"invoice"}]}
            """);

        Assert.Equal(1, result.At("$.results[2].entries").GetArrayLength());
        Assert.True(result.At("$.results[2].truncated").GetBoolean());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"op":"remember","text":"no key"}""", "'key'")]
    [InlineData("""{"op":"remember","key":"a/b","text":"t"}""", "'key'")]
    [InlineData("""{"op":"remember","key":"k","text":"t","tier":"forever"}""", "'tier'")]
    [InlineData("""{"op":"recall","query":"q","limit":0}""", "'limit'")]
    [InlineData("""{"op":"sequence","ops":[{"op":"sequence","ops":[]}]}""", "sequence")]
    [InlineData("""{"op":"summon"}""", "Unknown op")]
    public async Task Handle_BadInput_ThrowsTaskInputExceptionNamingTheField(string input, string expected)
    {
        await using var memory = Memory();

        var error = await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(memory, input));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task AdvanceClock_InServiceMode_IsRefused()
    {
        var host = Agents.Host(Agents.Default("tmpl-memory"), mode: RunMode.Service);
        await using var memory = Agents.Handler(host);

        await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(memory, """{"op":"advanceClock","days":1}"""));
    }

    [Fact(Timeout = 10_000)]
    public async Task FileStore_SecondHandlerOnTheSameScope_SeesLongTermEntries()
    {
        var host = Agents.Host(Agents.Default("tmpl-memory"), mode: RunMode.Service);
        await using (var first = Agents.Handler(host, "agent-a"))
        {
            await Agents.RunAsync(first, """{"op":"remember","key":"durable","text":"survives a restart","tier":"longTerm"}""");
            await Agents.RunAsync(first, """{"op":"remember","key":"volatile","text":"restart loses this","tier":"shortTerm"}""");
        }

        await using var second = Agents.Handler(host, "agent-a");
        var result = await Agents.RunAsync(second, """{"op":"recall","query":"restart"}""");

        Assert.Equal("durable", result.At("$.entries[0].key").GetString());
        Assert.Equal(1, result.At("$.entries").GetArrayLength());
    }
}
