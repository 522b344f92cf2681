using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>The hook: an announced event reaches the feed and the publisher; a failing publisher or observer never reaches the caller.</summary>
public sealed class ProgressFanoutTests
{
    private static DeploymentEvent Event(long sequence, string deployment = "dep-a") =>
        new() { DeploymentId = deployment, Sequence = sequence, Time = DateTimeOffset.UnixEpoch, Type = "StepStarted" };

    private sealed class Recording(bool fail = false) : IProgressPublisher
    {
        public List<long> Published { get; } = [];

        public void Publish(DeploymentEvent e)
        {
            Published.Add(e.Sequence);
            if (fail)
            {
                throw new InvalidOperationException("publisher down");
            }
        }
    }

    private sealed class Throwing : IDeploymentEventObserver
    {
        public void Appended(DeploymentEvent e) => throw new InvalidOperationException("observer down");
    }

    [Fact]
    public async Task Announce_ReachesTheFeedOfThatDeploymentAndThePublisher_EvenWhenThePublisherThrows()
    {
        var feed = new DeploymentEventFeed();
        var publisher = new Recording(fail: true);
        var table = new DeploymentEventTable(new TableServiceClient(AzuriteConnection.ConnectionString), "unused",
            new ProgressFanout(feed, publisher, NullLogger<ProgressFanout>.Instance));
        using DeploymentEventFeed.Subscription mine = feed.Subscribe("dep-a");
        using DeploymentEventFeed.Subscription other = feed.Subscribe("dep-b");

        table.Announce(Event(1));
        table.Announce(Event(2));

        Assert.Equal([1L, 2L], publisher.Published);
        Assert.Equal(1, (await mine.Events.ReadAsync()).Sequence);
        Assert.Equal(2, (await mine.Events.ReadAsync()).Sequence);
        Assert.False(other.Events.TryRead(out _));
    }

    [Fact]
    public void Announce_NeverThrows_WhateverTheObserverDoes()
    {
        var table = new DeploymentEventTable(new TableServiceClient(AzuriteConnection.ConnectionString), "unused", new Throwing());
        table.Announce(Event(1));
        new DeploymentEventTable(new TableServiceClient(AzuriteConnection.ConnectionString), "unused").Announce(Event(1));
    }

    [Fact]
    public void AFeedSubscriberThatDoesNotRead_KeepsTheNewestEvents_AndNeverBlocksTheWriter()
    {
        var feed = new DeploymentEventFeed();
        using DeploymentEventFeed.Subscription slow = feed.Subscribe("dep-a");
        for (long s = 1; s <= DeploymentEventFeed.QueueCapacity + 10; s++)
        {
            feed.Notify(Event(s));
        }

        Assert.True(slow.Events.TryRead(out DeploymentEvent? first));
        // The oldest went: the reader sees a gap (11 after its cursor) and reads 1…10 from the log.
        Assert.Equal(11, first!.Sequence);

        // Unsubscribed: nothing more arrives (what was queued before stays readable).
        slow.Dispose();
        feed.Notify(Event(1000));
        var left = new List<long>();
        while (slow.Events.TryRead(out DeploymentEvent? e))
        {
            left.Add(e.Sequence);
        }

        Assert.Equal(Enumerable.Range(12, DeploymentEventFeed.QueueCapacity - 1).Select(i => (long)i), left);
        Assert.True(slow.Events.Completion.IsCompleted);
    }
}
