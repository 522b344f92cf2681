using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Tests;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Messages and instances that keep failing: a control-queue message delivered too often, a message that
/// cannot be read, and an instance whose every commit fails. Each ends in the poison table with a reason,
/// fails only its own instance, and stops nothing else.
/// </summary>
public class PoisonTests(ITestOutputHelper output)
{
    private const int MaxDequeueCount = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 90_000)]
    public async Task ControlMessage_DeliveredMoreThanMaxDequeueCount_MovesToPoisonAndFailsItsInstance()
    {
        AzureStorageOptions hub = NewHub(partitions: 4);
        // On two partitions, so that receiving one message by hand never dequeues the other.
        string poisoned = "poisoned";
        string survivor = Enumerable.Range(0, 100).Select(k => $"survivor-{k}")
            .First(id => Partitioning.PartitionOf(id, hub.PartitionCount) != Partitioning.PartitionOf(poisoned, hub.PartitionCount));
        var first = new AzureStorageOrchestrationBackend(hub);
        AzureStorageOrchestrationBackend? second = null;
        try
        {
            await using (EngineHost host = await EngineHost.StartAsync(Register, first, bare: true))
            {
                await host.ScheduleAsync("Await", instanceId: poisoned);
                await host.ScheduleAsync("Await", instanceId: survivor);
                await host.Client.WaitForInstanceStartAsync(poisoned).WaitAsync(Patience);
                await host.Client.WaitForInstanceStartAsync(survivor).WaitAsync(Patience);
            }

            // No worker now: both instances wait for their event, and every control queue is empty.
            await first.StopAsync();
            for (int partition = 0; partition < hub.PartitionCount; partition++)
            {
                await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(StorageProbe.ControlQueue(hub, partition)), n => n == 0,
                    Patience, $"control queue {partition} to be empty");
            }

            // The event for one instance was received MaxDequeueCount times already (by workers that crashed), the other's once less.
            (string poisonedMessage, string poisonedBody) = await SendReceivedEventAsync(hub, poisoned, "doomed", receives: MaxDequeueCount);
            (string survivorMessage, _) = await SendReceivedEventAsync(hub, survivor, "made it", receives: MaxDequeueCount - 1);

            second = new AzureStorageOrchestrationBackend(hub);
            await using EngineHost worker = await EngineHost.StartAsync(Register, second, bare: true);
            OrchestrationMetadata failed = await StorageProbe.CompletionAsync(worker.Client, poisoned, Patience);
            OrchestrationMetadata survived = await StorageProbe.CompletionAsync(worker.Client, survivor, Patience);
            output.WriteLine($"message {poisonedMessage}: {failed.FailureDetails}");

            Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
            Assert.Equal("PoisonMessage", failed.FailureDetails?.ErrorType);
            Assert.Contains(poisonedMessage, failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, survived.RuntimeStatus);
            Assert.Equal("made it", survived.ReadOutputAs<string>());
            Assert.Empty((await worker.Client.GetInstanceHistoryAsync(poisoned)).OfType<EventRaisedEvent>());

            List<TableEntity> poison = await StorageProbe.UntilAsync(() => StorageProbe.PoisonRowsAsync(hub),
                rows => rows.Any(r => r.RowKey == poisonedMessage), Patience, "the poison row");
            TableEntity row = poison.Single(r => r.RowKey == poisonedMessage);
            Assert.Equal(poisoned, row.PartitionKey);
            Assert.Equal(poisonedBody, row.GetString("Body"));
            Assert.Contains($"delivered {MaxDequeueCount + 1} times", row.GetString("Reason"), StringComparison.Ordinal);
            Assert.DoesNotContain(poison, r => r.PartitionKey == survivor || r.RowKey == survivorMessage);
            // Moved, not copied: the message has left its queue.
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(StorageProbe.ControlQueueOf(hub, poisoned)), n => n == 0,
                Patience, "the poisoned message to leave its control queue");
        }
        finally
        {
            if (second is not null)
            {
                await second.StopAsync();
            }

            await StorageProbe.StopAndDeleteAsync(first, output.WriteLine);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("not json at all")]
    [InlineData("null")]
    [InlineData("{}")] // JSON, but no message in it
    [InlineData("blob:nowhere/missing")] // a payload reference whose blob is gone
    [InlineData("""{"message":{"instanceId":"ghost","event":{"name":"go"}}}""")] // an event without its "type"
    [InlineData("""{"message":{"event":{"type":"EventRaised","name":"go"}}}""")] // a message without an instance id
    public async Task ControlQueue_UnreadableMessage_MovesToPoisonAndOtherInstancesComplete(string body)
    {
        // One partition: the unreadable message and every other instance share the one control queue.
        AzureStorageOptions hub = NewHub(partitions: 1);
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await backend.CreateIfNotExistsAsync();
            SendReceipt garbage = await StorageProbe.ControlQueue(hub, 0).SendMessageAsync(body);
            await using EngineHost host = await EngineHost.StartAsync(Register, backend, bare: true);
            string[] ids = ["other-0", "other-1", "other-2"];
            foreach (string id in ids)
            {
                await host.ScheduleAsync("Twice", 21, id);
            }

            foreach (string id in ids)
            {
                // Healthy, these finish in well under a second; a partition reader that died leaves them Pending.
                OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, TimeSpan.FromSeconds(15));
                Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id}: {done.RuntimeStatus} {done.FailureDetails}");
                Assert.Equal(42, done.ReadOutputAs<int>());
            }

            List<TableEntity> poison = await StorageProbe.UntilAsync(() => StorageProbe.PoisonRowsAsync(hub),
                rows => rows.Any(r => r.RowKey == garbage.MessageId), Patience, $"message {garbage.MessageId} in the poison table");
            TableEntity row = poison.Single(r => r.RowKey == garbage.MessageId);
            Assert.Equal(body, row.GetString("Body"));
            Assert.Contains(garbage.MessageId, row.GetString("Reason"), StringComparison.Ordinal);
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(StorageProbe.ControlQueue(hub, 0)), n => n == 0,
                Patience, "the unreadable message to leave the control queue");
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    [Theory(Timeout = 90_000)]
    [InlineData(400)] // the service rejects the write every time (say, an entity too large): a permanent error
    [InlineData(412)] // the row "changed" under every attempt: a lost lock that never recovers
    public async Task Commit_FailingEveryTime_FailsTheInstanceAfterMaxDequeueCountEpisodesAndNothingElse(int status)
    {
        AzureStorageOptions hub = NewHub(partitions: 2);
        const string victim = "victim";
        int victimPartition = Partitioning.PartitionOf(victim, hub.PartitionCount);
        string[] bystanders = [.. Enumerable.Range(0, 4).Select(k => $"bystander-{k}")];
        string neighbour = Enumerable.Range(0, 100).Select(k => $"neighbour-{k}")
            .First(id => Partitioning.PartitionOf(id, hub.PartitionCount) == victimPartition);
        var first = new AzureStorageOrchestrationBackend(hub);
        AzureStorageOrchestrationBackend? second = null;
        long injected = 0;
        try
        {
            OrchestrationMetadata failed;
            await using (EngineHost host = await EngineHost.StartAsync(Register, first, bare: true))
            {
                first.Requests.InjectStatus = message =>
                {
                    if (!IsCommitOf(message, hub, victim))
                    {
                        return null;
                    }

                    Interlocked.Increment(ref injected);
                    return status;
                };
                await host.ScheduleAsync("Twice", 1, victim);
                foreach (string id in bystanders)
                {
                    await host.ScheduleAsync("Twice", 5, id);
                }

                failed = await StorageProbe.CompletionAsync(host.Client, victim, Patience);
                foreach (string id in bystanders)
                {
                    OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, Patience);
                    Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id}: {done.RuntimeStatus} {done.FailureDetails}");
                    Assert.Equal(10, done.ReadOutputAs<int>());
                }

                first.Requests.InjectStatus = null;
            }

            output.WriteLine($"{Interlocked.Read(ref injected)} commits of '{victim}' answered {status}; reason: {failed.FailureDetails}");
            Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
            Assert.Equal("PoisonMessage", failed.FailureDetails?.ErrorType);
            Assert.Contains(victim, failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
            Assert.Contains($"failed {MaxDequeueCount} times", failed.FailureDetails.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(MaxDequeueCount, Interlocked.Read(ref injected));
            Assert.Empty(await first.GetHistoryAsync(victim));
            List<TableEntity> poison = await StorageProbe.PoisonRowsAsync(hub);
            Assert.Contains(poison, r => r.PartitionKey == victim && r.GetString("Reason")!.Contains(victim, StringComparison.Ordinal));
            Assert.DoesNotContain(poison, r => bystanders.Contains(r.PartitionKey));

            // The faults stop and a new worker takes the partitions over (re-dispatching whatever the victim's row still records):
            // the victim stays Failed, with the same reason, while new work on its partition runs.
            await first.StopAsync();
            second = new AzureStorageOrchestrationBackend(hub);
            await using EngineHost next = await EngineHost.StartAsync(Register, second, bare: true);
            await next.ScheduleAsync("Twice", 7, neighbour);
            OrchestrationMetadata after = await StorageProbe.CompletionAsync(next.Client, neighbour, Patience);
            Assert.Equal(14, after.ReadOutputAs<int>());
            await StorageProbe.UntilAsync(() => StorageProbe.ApproximateCountAsync(StorageProbe.ControlQueue(hub, victimPartition)), n => n == 0,
                Patience, "the victim's control queue to be empty (no message of it left to come back)");
            OrchestrationMetadata? still = await next.Client.GetInstanceAsync(victim, getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Failed, still?.RuntimeStatus);
            Assert.Equal(failed.FailureDetails, still!.FailureDetails);
            await Assert.ThrowsAsync<OrchestrationStateException>(() => next.Client.RaiseEventAsync(victim, "go", "late"));
        }
        finally
        {
            if (second is not null)
            {
                await second.StopAsync();
            }

            await StorageProbe.StopAndDeleteAsync(first, output.WriteLine);
        }
    }

    /// <summary>An episode's commit of <paramref name="instanceId"/>: a merge or replace of its status row that writes the history layout.</summary>
    private static bool IsCommitOf(HttpMessage message, AzureStorageOptions hub, string instanceId) =>
        message.Request.Method.Method is "MERGE" or "PATCH" or "PUT"
        && StorageProbe.PathOf(message).Contains($"/{hub.TaskHubName}History(PartitionKey='{instanceId}',RowKey='{Rows.StatusKey}')", StringComparison.Ordinal)
        && StorageProbe.BodyOf(message).Contains("\"Spilled\"", StringComparison.Ordinal);

    /// <summary>
    /// Puts a valid EventRaised for <paramref name="instanceId"/> into its control queue and receives it
    /// <paramref name="receives"/> times without completing it, as crashed workers would. Returns its id and body.
    /// </summary>
    private static async Task<(string MessageId, string Body)> SendReceivedEventAsync(AzureStorageOptions hub, string instanceId, string payload, int receives)
    {
        QueueClient queue = StorageProbe.ControlQueueOf(hub, instanceId);
        var message = new OrchestrationMessage(instanceId, new EventRaisedEvent("go", DataConverter.Default.Serialize(payload))
        {
            MessageId = Guid.NewGuid().ToString("N"),
            Timestamp = DateTime.UtcNow,
        });
        string body = new Envelope { Message = message }.ToJson();
        SendReceipt sent = await queue.SendMessageAsync(body);
        for (int i = 0; i < receives; i++)
        {
            QueueMessage? received = await StorageProbe.UntilAsync(async () => (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value,
                m => m is not null, Patience, "the event to be receivable");
            Assert.Equal(sent.MessageId, received!.MessageId);
            await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        PeekedMessage peeked = await StorageProbe.UntilAsync(async () => (await queue.PeekMessageAsync()).Value, m => m is not null, Patience,
            "the event to be visible again");
        Assert.Equal((sent.MessageId, (long)receives), (peeked.MessageId, peeked.DequeueCount));
        return (sent.MessageId, body);
    }

    private static AzureStorageOptions NewHub(int partitions)
    {
        AzureStorageOptions hub = Azurite.NewTaskHub(partitions);
        hub.MaxDequeueCount = MaxDequeueCount;
        return hub;
    }

    private static void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<int, int>("Double", (_, x) => 2 * x)
        .AddOrchestratorFunc<string>("Await", context => context.WaitForExternalEvent<string>("go"))
        .AddOrchestratorFunc<int, int>("Twice", (context, x) => context.CallActivityAsync<int>("Double", x));
}
