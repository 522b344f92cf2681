using AgentFactory.Functions.Storage;
using Azure;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class SandboxTestTableTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private readonly SandboxTestTable _tests = new(fixture.Tables);
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static SandboxTestRecord New(string deploymentId, int second) => new()
    {
        DeploymentId = deploymentId,
        TestId = Guid.NewGuid().ToString(),
        TestType = second == 0 ? "template-suite" : "custom-task",
        Status = SandboxTestStatus.Running,
        LogsReference = $"sandbox-logs/{deploymentId}/{second}.jsonl",
        CreatedAt = T0.AddSeconds(second),
    };

    [Fact(Timeout = 30_000)]
    public async Task AddAsync_UpdateAsync_GetAsync_RoundTrip()
    {
        string deployment = Guid.NewGuid().ToString();
        SandboxTestRecord running = await _tests.AddAsync(New(deployment, 0));

        SandboxTestRecord done = await _tests.UpdateAsync(running with
        {
            Status = SandboxTestStatus.Passed,
            MetricsJson = """{"cpuSeconds":0.42,"peakMemoryBytes":73400320}""",
            ResultsJson = """[{"task":"remember-and-recall","passed":true}]""",
            CompletedAt = T0.AddSeconds(9),
        });

        SandboxTestRecord read = (await _tests.GetAsync(deployment, running.TestId))!;
        Assert.Equal(done with { ETag = default }, read with { ETag = default });
        Assert.Null(await _tests.GetAsync(deployment, Guid.NewGuid().ToString()));
    }

    [Fact(Timeout = 30_000)]
    public async Task UpdateAsync_StaleRecord_PreconditionFailed()
    {
        SandboxTestRecord running = await _tests.AddAsync(New(Guid.NewGuid().ToString(), 0));
        await _tests.UpdateAsync(running with { Status = SandboxTestStatus.Stopped });

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => _tests.UpdateAsync(running with { Status = SandboxTestStatus.Passed }));
        Assert.Equal(412, ex.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListAsync_NewestFirst_OnlyThatDeployment()
    {
        string deployment = Guid.NewGuid().ToString();
        foreach (int second in new[] { 20, 0, 40, 10 })
        {
            await _tests.AddAsync(New(deployment, second));
        }

        await _tests.AddAsync(New(Guid.NewGuid().ToString(), 30));

        IReadOnlyList<SandboxTestRecord> runs = await _tests.ListAsync(deployment);
        Assert.Equal([T0.AddSeconds(40), T0.AddSeconds(20), T0.AddSeconds(10), T0], runs.Select(r => r.CreatedAt));
        Assert.Equal(2, (await _tests.ListAsync(deployment, max: 2)).Count);
    }
}
