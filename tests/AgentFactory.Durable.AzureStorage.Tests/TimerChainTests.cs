using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Tests;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Timers beyond the queue's 7-day visibility limit: the backend queues a link that surfaces before 7 days
/// carrying the real due time, and a link that surfaces early is queued again instead of firing the timer.
/// </summary>
public class TimerChainTests(ITestOutputHelper output)
{
    /// <summary>The longest visibility the backend asks of the queue: 7 days less a minute, in whole seconds.</summary>
    private const long CappedVisibilitySeconds = 7 * 24 * 3600 - 60;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 60_000)]
    [InlineData(2)]
    [InlineData(10)]
    public async Task CreateTimer_DaysAhead_StaysRunningWithOneInvisibleMessageWhoseVisibilityIsCapped(int days)
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        var sends = new ConcurrentQueue<(long Visibility, Envelope Envelope)>();
        backend.Requests.BeforeSend = message =>
        {
            if (ControlQueueSend(message) is { } send)
            {
                sends.Enqueue(send);
            }

            return null;
        };
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(Register, backend, bare: true);
            string id = $"sleeper-{days}";
            await host.ScheduleAsync("Sleep", days, id);
            TimerCreatedEvent created = await TimerCreatedAsync(host.Client, id);
            Assert.Equal(TimeSpan.FromDays(days), created.FireAt - created.Timestamp);

            // One message in the instance's control queue, the timer's, and it is invisible.
            QueueClient queue = StorageProbe.ControlQueueOf(hub, id);
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(queue), n => n == 1, Patience,
                "the start message to be deleted and the timer's message to be queued");
            Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))?.RuntimeStatus);

            // As sent: within the queue's 7-day limit, with the real due time in the envelope when it is further away.
            (long visibility, Envelope timer) = Assert.Single(sends, s => s.Envelope.Message?.Event is TimerFiredEvent);
            output.WriteLine($"{days}-day timer: queued with visibility {visibility} s, DueAt {timer.DueAt?.ToString("o", CultureInfo.InvariantCulture) ?? "none"}");
            Assert.Equal(created.FireAt, timer.Message!.VisibleAt);
            Assert.True(visibility <= 7 * 24 * 3600, $"visibility {visibility} s is beyond the queue's 7-day limit");
            if (days > 7)
            {
                Assert.Equal(CappedVisibilitySeconds, visibility);
                Assert.Equal(created.FireAt, timer.DueAt);
            }
            else
            {
                Assert.InRange(visibility, days * 24 * 3600 - 5, days * 24 * 3600);
                Assert.Null(timer.DueAt);
            }

            // The durable record: the status row's outbox holds the same timer until it fires.
            (string key, Envelope recorded) = Assert.Single(await OutboxAsync(hub, id));
            Assert.Equal(key, timer.OutboxKey);
            Assert.Equal(timer.Message.Event, recorded.Message?.Event);
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))?.RuntimeStatus);
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task LongTimer_ChainLinkSurfacingEarly_IsQueuedAgainAndFiresOnlyOnceDue()
    {
        // The backend and the engine run on a clock the test moves; the queue's visibility runs on real time.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub, timeProvider: clock);
        var links = new ConcurrentQueue<(long Visibility, Envelope Envelope)>();
        var deleted = new ConcurrentQueue<string>();
        backend.Requests.BeforeSend = message =>
        {
            if (ControlQueueSend(message) is { Envelope.DueAt: not null } link)
            {
                links.Enqueue(link);
            }
            else if (message.Request.Method == RequestMethod.Delete && StorageProbe.PathOf(message).Contains("-control-", StringComparison.Ordinal))
            {
                deleted.Enqueue(StorageProbe.PathOf(message).Split('/')[^1]);
            }

            return null;
        };
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(Register, backend, clock, bare: true);
            const string id = "sleeper";
            await host.ScheduleAsync("Sleep", 10, id);
            TimerCreatedEvent created = await TimerCreatedAsync(host.Client, id);
            QueueClient queue = StorageProbe.ControlQueueOf(hub, id);
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(queue), n => n == 1, Patience, "the timer's first link");
            Assert.Single(links);

            // The first link surfaces (as it would after 7 days), 3 days before the timer is due by the clock.
            (_, Envelope recorded) = Assert.Single(await OutboxAsync(hub, id));
            string link = (recorded with { DueAt = created.FireAt }).ToJson();
            clock.Advance(TimeSpan.FromDays(7));
            SendReceipt early = await queue.SendMessageAsync(link);

            // It must be queued again (another link, due at the same time) and deleted, not fire the timer.
            await StorageProbe.UntilAsync(() => Task.FromResult(deleted.ToArray()), d => d.Contains(early.MessageId), Patience, "the early link to be deleted");
            (long visibility, Envelope next) = links.Last();
            Assert.Equal(2, links.Count);
            Assert.Equal(created.FireAt, next.DueAt);
            Assert.Equal(3 * 24 * 3600, visibility);
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(queue), n => n == 2, Patience, "two invisible links");
            Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))?.RuntimeStatus);
            Assert.Empty((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerFiredEvent>());

            // The timer is due by the clock when the next link surfaces: now it fires, once.
            clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
            await queue.SendMessageAsync(link);
            OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, Patience);

            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus} {done.FailureDetails}");
            Assert.Equal("woke", done.ReadOutputAs<string>());
            IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
            StorageProbe.AssertWellFormed(id, history);
            Assert.Equal(created.FireAt, Assert.Single(history.OfType<TimerFiredEvent>()).FireAt);
            Assert.True(history.OfType<OrchestratorStartedEvent>().Last().Timestamp >= created.FireAt, "the timer fired before it was due");
            Assert.Empty(await OutboxAsync(hub, id));
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    private static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<int, string>("Sleep", async (context, days) =>
        {
            await context.CreateTimer(TimeSpan.FromDays(days), CancellationToken.None);
            return "woke";
        });

    private static async Task<TimerCreatedEvent> TimerCreatedAsync(DurableTaskClient client, string id) =>
        (await StorageProbe.UntilAsync(() => client.GetInstanceHistoryAsync(id), h => h.OfType<TimerCreatedEvent>().Any(), Patience, "the timer"))
        .OfType<TimerCreatedEvent>().Single();

    /// <summary>The live entries of the instance's own outbox (properties of its status row).</summary>
    private static async Task<List<(string Key, Envelope Envelope)>> OutboxAsync(AzureStorageOptions hub, string id)
    {
        TableEntity row = (await StorageProbe.StatusRowAsync(hub, id))!;
        return [.. row.Where(p => Rows.IsOwnOutboxKey(p.Key) && p.Value is string { Length: > 0 })
            .Select(p => (p.Key, Envelope.FromJson((string)p.Value)))];
    }

    /// <summary>A message put on a control queue: its visibility timeout (0 when none) and envelope; null for other requests.</summary>
    private static (long Visibility, Envelope Envelope)? ControlQueueSend(HttpMessage message)
    {
        string path = StorageProbe.PathOf(message);
        if (message.Request.Method != RequestMethod.Post || !path.Contains("-control-", StringComparison.Ordinal) || !path.EndsWith("/messages", StringComparison.Ordinal))
        {
            return null;
        }

        // The queue's wire format: <QueueMessage><MessageText>…</MessageText></QueueMessage>, the text as the backend wrote it.
        string text = XDocument.Parse(StorageProbe.BodyOf(message)).Root!.Element("MessageText")!.Value;
        if (text.StartsWith("blob:", StringComparison.Ordinal))
        {
            return null; // an envelope too large for the queue (none of these tests sends one)
        }

        long visibility = long.Parse(StorageProbe.QueryOf(message, "visibilitytimeout") ?? "0", CultureInfo.InvariantCulture);
        return (visibility, Envelope.FromJson(text));
    }
}
