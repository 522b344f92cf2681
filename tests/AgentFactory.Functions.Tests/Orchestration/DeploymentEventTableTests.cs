using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>The deployment event log on Azurite: insert-only appends, a numeric order, and the <c>?after=</c> cursor.</summary>
public sealed class DeploymentEventTableTests(FactoryEnvironment env) : IClassFixture<FactoryEnvironment>
{
    private static DeploymentEvent Event(string deployment, long sequence, string message = "m") => new()
    {
        DeploymentId = deployment,
        Sequence = sequence,
        Time = DateTimeOffset.UtcNow,
        Type = "StepStarted",
        Step = 2,
        StepName = "configure",
        Progress = 10,
        Message = message,
        DataJson = """{"a":1}""",
    };

    [Fact(Timeout = 30_000)]
    public async Task AppendAsync_SameSequenceTwice_KeepsTheFirstAndSaysSo()
    {
        DeploymentEventTable table = env.Events;
        string deployment = "dep-" + Guid.NewGuid().ToString("N");

        Assert.True(await table.AppendAsync(Event(deployment, 1, "first")));
        Assert.False(await table.AppendAsync(Event(deployment, 1, "retry")));

        DeploymentEvent stored = (await table.GetAsync(deployment, 1))!;
        Assert.Equal(("first", "StepStarted", 2, "configure", 10, """{"a":1}"""),
            (stored.Message, stored.Type, stored.Step, stored.StepName, stored.Progress, stored.DataJson));
        Assert.Null(await table.GetAsync(deployment, 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.AppendAsync(Event(deployment, 0)));
    }

    [Fact(Timeout = 30_000)]
    public async Task ListAsync_AfterACursor_ReturnsTheNextEventsInNumericOrder()
    {
        DeploymentEventTable table = env.Events;
        string deployment = "dep-" + Guid.NewGuid().ToString("N");
        // Appended out of order and past 9 → 10, where a string order of unpadded numbers would go wrong.
        foreach (long sequence in new long[] { 3, 1, 12, 2, 10, 11, 9, 4, 5, 6, 7, 8 })
        {
            await table.AppendAsync(Event(deployment, sequence));
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), (await table.ListAsync(deployment)).Select(e => e.Sequence));
        Assert.Equal([9L, 10L, 11L], (await table.ListAsync(deployment, after: 8, max: 3)).Select(e => e.Sequence));
        Assert.Empty(await table.ListAsync(deployment, after: 12));
        Assert.Empty(await table.ListAsync("dep-" + Guid.NewGuid().ToString("N")));
    }
}
