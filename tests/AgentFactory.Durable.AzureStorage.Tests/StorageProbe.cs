using System.Text;
using AgentFactory.Durable.History;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Looks at a task hub's storage directly (tables, queues, blobs), outside the backend, so that tests can
/// check what the backend wrote; plus bounded waits and the history invariants every test checks.
/// </summary>
internal static class StorageProbe
{
    public static TableClient History(AzureStorageOptions hub) => new(Azurite.ConnectionString, hub.TaskHubName + "History");

    public static TableClient Poison(AzureStorageOptions hub) => new(Azurite.ConnectionString, hub.TaskHubName + "Poison");

    public static QueueClient ControlQueue(AzureStorageOptions hub, int partition) =>
        new(Azurite.ConnectionString, $"{hub.TaskHubName}-control-{partition:D2}", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    public static BlobContainerClient Payloads(AzureStorageOptions hub) => new(Azurite.ConnectionString, $"{hub.TaskHubName}-payloads");

    /// <summary>The control queue <paramref name="instanceId"/> is placed on.</summary>
    public static QueueClient ControlQueueOf(AzureStorageOptions hub, string instanceId) =>
        ControlQueue(hub, Partitioning.PartitionOf(instanceId, hub.PartitionCount));

    /// <summary>The instance's status row as stored (every property), or null.</summary>
    public static async Task<TableEntity?> StatusRowAsync(AzureStorageOptions hub, string instanceId)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey eq {Rows.StatusKey}");
        await foreach (TableEntity row in History(hub).QueryAsync<TableEntity>(filter))
        {
            return row;
        }

        return null;
    }

    /// <summary>Every row of the instance's partition in the History table.</summary>
    public static async Task<List<TableEntity>> RowsAsync(AzureStorageOptions hub, string instanceId)
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in History(hub).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Every row of the poison table.</summary>
    public static async Task<List<TableEntity>> PoisonRowsAsync(AzureStorageOptions hub)
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in Poison(hub).QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Names of the payload blobs of an instance.</summary>
    public static async Task<List<string>> PayloadBlobsAsync(AzureStorageOptions hub, string instanceId)
    {
        var names = new List<string>();
        await foreach (var blob in Payloads(hub).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, instanceId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>Messages in the queue, invisible ones included (the service's approximate count, exact on Azurite).</summary>
    public static async Task<int> ApproximateCountAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>
    /// Probes until <paramref name="done"/> holds, at most <paramref name="timeout"/>; fails with the last value seen.
    /// Polling a condition, not sleeping for a guessed time: it returns as soon as the condition holds.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        TimeSpan pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            T value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {timeout.TotalSeconds:0} s for {what}; last seen: {Describe(value)}");
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }

    /// <summary>Waits for an instance to reach a terminal status; a timeout names the instance and its status.</summary>
    public static async Task<OrchestrationMetadata> CompletionAsync(DurableTaskClient client, string instanceId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            OrchestrationMetadata? now = await client.GetInstanceAsync(instanceId);
            Assert.Fail($"Instance '{instanceId}' did not finish within {timeout.TotalSeconds:0} s; it is {now?.RuntimeStatus.ToString() ?? "missing"}.");
            throw;
        }
    }

    /// <summary>
    /// What every committed history must satisfy: EventIds 0..n-1, one start, at most one end, and no task,
    /// timer or event completed twice (a duplicate delivery must never reach the history).
    /// </summary>
    public static void AssertWellFormed(string instanceId, IReadOnlyList<HistoryEvent> history)
    {
        Assert.True(history.Select(e => e.EventId).SequenceEqual(Enumerable.Range(0, history.Count)),
            $"{instanceId}: EventIds are not 0..{history.Count - 1}: [{string.Join(",", history.Select(e => e.EventId))}]");
        Assert.True(history.OfType<ExecutionStartedEvent>().Count() == 1, $"{instanceId}: {history.OfType<ExecutionStartedEvent>().Count()} ExecutionStarted events");
        Assert.True(history.OfType<ExecutionCompletedEvent>().Count() <= 1, $"{instanceId}: several ExecutionCompleted events");
        int[] scheduled = [.. history.OfType<TaskScheduledEvent>().Select(e => e.TaskId)];
        int[] completed = [.. history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId)
            .Concat(history.OfType<TaskFailedEvent>().Select(e => e.TaskScheduledId))];
        Assert.True(scheduled.Distinct().Count() == scheduled.Length, $"{instanceId}: a task was scheduled twice: [{string.Join(",", scheduled)}]");
        Assert.True(completed.Distinct().Count() == completed.Length, $"{instanceId}: a task completed twice: [{string.Join(",", completed)}]");
        Assert.True(completed.All(scheduled.Contains), $"{instanceId}: a completion for a task that was never scheduled");
        int[] fired = [.. history.OfType<TimerFiredEvent>().Select(e => e.TimerId)];
        Assert.True(fired.Distinct().Count() == fired.Length, $"{instanceId}: a timer fired twice");
        Assert.True(fired.All(history.OfType<TimerCreatedEvent>().Select(e => e.TaskId).Contains), $"{instanceId}: a timer fired that was never created");
        string[] raised = [.. history.OfType<EventRaisedEvent>().Select(e => e.MessageId).OfType<string>()];
        Assert.True(raised.Distinct().Count() == raised.Length, $"{instanceId}: an event was delivered twice");
    }

    /// <summary>The request's body as text ("" when it has none).</summary>
    public static string BodyOf(HttpMessage message)
    {
        if (message.Request.Content is not { } content)
        {
            return "";
        }

        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        // Some clients write a byte-order mark first (the queue client's XML does).
        return Encoding.UTF8.GetString(stream.ToArray()).TrimStart('\uFEFF');
    }

    /// <summary>The request's path, unescaped (table keys appear in it as <c>(PartitionKey='…',RowKey='…')</c>).</summary>
    public static string PathOf(HttpMessage message) => Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsolutePath);

    /// <summary>A query parameter of the request, or null.</summary>
    public static string? QueryOf(HttpMessage message, string name)
    {
        foreach (string pair in message.Request.Uri.ToUri().Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && string.Equals(pair[..eq], name, StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    /// <summary>
    /// Tear-down: stops the backend and deletes its task hub. A failing StopAsync is reported but does not hide the
    /// test's own outcome (FaultTests.StopAsync_WhileABalanceRoundIsInFlight_ReleasesEveryLeaseWithoutThrowing checks StopAsync itself).
    /// </summary>
    public static async Task StopAndDeleteAsync(AzureStorageOrchestrationBackend backend, Action<string>? log = null)
    {
        backend.Requests.InjectStatus = null;
        backend.Requests.BeforeSend = null;
        backend.Requests.AfterResponse = null;
        try
        {
            await backend.StopAsync();
        }
        catch (Exception ex)
        {
            log?.Invoke($"tear-down: StopAsync threw {ex.GetType().Name}: {ex.Message}");
        }

        await backend.DeleteTaskHubAsync();
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>().Take(20)) + "]",
        _ => value.ToString() ?? "",
    };
}
