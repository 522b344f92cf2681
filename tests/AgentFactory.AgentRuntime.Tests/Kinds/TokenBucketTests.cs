using AgentFactory.AgentRuntime.Kinds.Api;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class TokenBucketTests
{
    [Fact(Timeout = 10_000)]
    public async Task Acquire_WithinCapacity_NeverWaits()
    {
        var bucket = new TokenBucket(5, new FakeTimeProvider());

        for (var i = 0; i < 5; i++)
        {
            Assert.False(await bucket.AcquireAsync(CancellationToken.None));
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task Acquire_Empty_WaitsUntilTheNextTokenIsDue()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(5, time);
        for (var i = 0; i < 5; i++)
        {
            await bucket.AcquireAsync(CancellationToken.None);
        }

        var sixth = bucket.AcquireAsync(CancellationToken.None).AsTask();
        var seventh = bucket.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(sixth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(await sixth);
        Assert.False(seventh.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(await seventh);
    }

    [Fact(Timeout = 10_000)]
    public async Task Acquire_AfterIdleTime_RefillsButNeverAboveCapacity()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(2, time);
        await bucket.AcquireAsync(CancellationToken.None);
        await bucket.AcquireAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await bucket.AcquireAsync(CancellationToken.None));
        Assert.False(await bucket.AcquireAsync(CancellationToken.None));
        var third = bucket.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await third);
    }

    [Fact(Timeout = 10_000)]
    public async Task Acquire_RateBelowOne_HoldsOneToken()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(0.5, time);
        Assert.False(await bucket.AcquireAsync(CancellationToken.None));

        var next = bucket.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(await next);
    }

    [Fact(Timeout = 10_000)]
    public async Task Acquire_CancelledWhileWaiting_GivesTheReservationBack()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1, time);
        await bucket.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var abandoned = bucket.AcquireAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        var next = bucket.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await next);
    }
}
