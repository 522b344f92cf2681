using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Tests.Storage;

public sealed class AgentNameTableTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private readonly AgentNameTable _names = new(fixture.Tables);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static string NewName() => "agent-" + Guid.NewGuid().ToString("N")[..8];

    [Fact(Timeout = 30_000)]
    public async Task ReserveAsync_FreeName_ReservesAndIsTaken()
    {
        string name = NewName();
        Assert.False(await _names.IsTakenAsync("tenant-a", name));

        Assert.Equal(ReservationOutcome.Reserved, await _names.ReserveAsync("tenant-a", name, "d1", Now));

        Assert.True(await _names.IsTakenAsync("tenant-a", name));
        AgentNameRecord holder = (await _names.GetAsync("tenant-a", name))!;
        Assert.Equal(("d1", "Reserved", Now), (holder.DeploymentId, holder.State, holder.ReservedAt));
    }

    [Fact(Timeout = 30_000)]
    public async Task ReserveAsync_SameDeploymentAgain_AlreadyHeld_OtherDeployment_Taken()
    {
        string name = NewName();
        await _names.ReserveAsync("tenant-a", name, "d1", Now);

        Assert.Equal(ReservationOutcome.AlreadyHeld, await _names.ReserveAsync("tenant-a", name, "d1", Now));
        Assert.Equal(ReservationOutcome.Taken, await _names.ReserveAsync("tenant-a", name, "d2", Now));
        Assert.Equal("d1", (await _names.GetAsync("tenant-a", name))!.DeploymentId);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReserveAsync_SameNameInAnotherTenant_IsIndependent()
    {
        string name = NewName();
        await _names.ReserveAsync("tenant-a", name, "d1", Now);

        Assert.Equal(ReservationOutcome.Reserved, await _names.ReserveAsync("tenant-b", name, "d2", Now));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReserveAsync_TwentyConcurrentCreationsOfOneName_ExactlyOneWins()
    {
        string name = NewName();
        using var start = new ManualResetEventSlim();
        Task<ReservationOutcome>[] racers = [.. Enumerable.Range(0, 20).Select(i => Task.Run(() =>
        {
            start.Wait();
            return _names.ReserveAsync("tenant-race", name, "deployment-" + i, Now);
        }))];
        start.Set();
        ReservationOutcome[] outcomes = await Task.WhenAll(racers);

        int winner = Array.IndexOf(outcomes, ReservationOutcome.Reserved);
        Assert.Single(outcomes, o => o == ReservationOutcome.Reserved);
        Assert.Equal(19, outcomes.Count(o => o == ReservationOutcome.Taken));
        Assert.Equal("deployment-" + winner, (await _names.GetAsync("tenant-race", name))!.DeploymentId);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReleaseAsync_OnlyTheHolderFreesTheName()
    {
        string name = NewName();
        await _names.ReserveAsync("tenant-a", name, "d1", Now);

        Assert.False(await _names.ReleaseAsync("tenant-a", name, "d2"));
        Assert.True(await _names.IsTakenAsync("tenant-a", name));

        Assert.True(await _names.ReleaseAsync("tenant-a", name, "d1"));
        Assert.False(await _names.IsTakenAsync("tenant-a", name));
        Assert.False(await _names.ReleaseAsync("tenant-a", name, "d1"));
        Assert.Equal(ReservationOutcome.Reserved, await _names.ReserveAsync("tenant-a", name, "d2", Now));
    }

    [Fact(Timeout = 30_000)]
    public async Task ActivateAsync_Holder_MarksActive_Stranger_Refused()
    {
        string name = NewName();
        await _names.ReserveAsync("tenant-act", name, "d1", Now);

        Assert.False(await _names.ActivateAsync("tenant-act", name, "d2"));
        Assert.True(await _names.ActivateAsync("tenant-act", name, "d1"));

        AgentNameRecord listed = Assert.Single(await _names.ListAsync("tenant-act").ToListAsync());
        Assert.Equal((name, "Active"), (listed.Name, listed.State));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("")]
    public async Task ReserveAsync_KeyTheServiceWouldRefuse_ArgumentException(string name) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _names.ReserveAsync("tenant-a", name, "d1", Now));
}
