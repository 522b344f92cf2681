using AgentFactory.Durable.History;
using AgentFactory.Durable.Tests;
using Azure.Core;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Storage that misbehaves: faults injected into every kind of request through <see cref="StorageRequests"/>
/// (transient errors before the service acts, timeouts after it acted, lost-lock races on commits, a send that
/// fails after its commit, a stop in the middle of a lease round). Every orchestration must still complete
/// exactly as without faults, and a stopping worker must still hand its partitions over.
/// </summary>
public class FaultTests(ITestOutputHelper output)
{
    private const int Orchestrations = 30;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 150_000)]
    public async Task Workload_TransientErrorsBeforeTheServiceActs_AllCompleteCorrectly()
    {
        var faults = new Faults(seed: 11);
        long unavailable = 0;
        long broken = 0;
        await RunWorkloadAsync(faults, requests =>
        {
            requests.InjectStatus = _ => faults.Chance(0.10) ? Count(ref unavailable, 503) : null;
            requests.BeforeSend = _ => faults.Chance(0.05) ? Count(ref broken, new IOException("injected")) : null;
        }, () => $"{Interlocked.Read(ref unavailable)} injected 503s and {Interlocked.Read(ref broken)} IOExceptions before sending");
    }

    [Fact(Timeout = 150_000)]
    public async Task Workload_TimeoutsAfterTheServiceActed_AllCompleteCorrectly()
    {
        var faults = new Faults(seed: 23);
        long lost = 0;
        await RunWorkloadAsync(faults, requests =>
            requests.AfterResponse = _ => faults.Chance(0.05) ? Count(ref lost, new IOException("injected after the service acted")) : null,
            () => $"{Interlocked.Read(ref lost)} responses replaced by IOExceptions after the service acted");
    }

    [Fact(Timeout = 150_000)]
    public async Task Workload_LostLockRacesOnHistoryWrites_AllCompleteCorrectly()
    {
        var faults = new Faults(seed: 37);
        long races = 0;
        long candidates = 0;
        await RunWorkloadAsync(faults, requests =>
            requests.InjectStatus = message =>
            {
                if (!IsHistoryWrite(message, faults.Hub))
                {
                    return null;
                }

                Interlocked.Increment(ref candidates);
                return faults.Chance(0.10) ? Count(ref races, 412) : null;
            },
            () => $"{Interlocked.Read(ref races)} injected 412s on {Interlocked.Read(ref candidates)} MERGE/PUT requests to the History table");
        Assert.True(Interlocked.Read(ref races) > 0, "no 412 was injected: the History-table filter matched nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task TimerDispatch_SendFailsOnceAfterTheCommit_TimerStillFires()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        long failed = 0;
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(r => r
                .AddOrchestratorFunc<string>("Nap", async context =>
                {
                    await context.CreateTimer(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                    return "rested";
                }), backend, bare: true);
            // The commit that records the timer succeeds; sending its message then fails once (400: not retried by the pipeline).
            // The outbox still records the timer, so the backend must send it again rather than forget it.
            backend.Requests.InjectStatus = message =>
                message.Request.Method == RequestMethod.Post && StorageProbe.PathOf(message).Contains("-control-", StringComparison.Ordinal)
                && StorageProbe.BodyOf(message).Contains("TimerFired", StringComparison.Ordinal) && Interlocked.Increment(ref failed) == 1
                    ? 400
                    : null;
            string id = await host.ScheduleAsync("Nap", instanceId: "nap");
            OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, TimeSpan.FromSeconds(20));

            Assert.True(Interlocked.Read(ref failed) >= 1, "the timer's send was never faulted");
            Assert.Equal("rested", done.ReadOutputAs<string>());
            IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
            StorageProbe.AssertWellFormed(id, history);
            Assert.Single(history.OfType<TimerFiredEvent>());
        }
        finally
        {
            output.WriteLine($"{Interlocked.Read(ref failed)} control-queue send(s) of the timer seen; the first was failed");
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_WhileABalanceRoundIsInFlight_ReleasesEveryLeaseWithoutThrowing()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub(partitions: 2);
        hub.LeaseRenewInterval = TimeSpan.FromSeconds(1);
        var backend = new AzureStorageOrchestrationBackend(hub);
        using var entered = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        try
        {
            await using (EngineHost host = await EngineHost.StartAsync(_ => { }, backend, bare: true))
            {
                await StorageProbe.UntilAsync(() => Task.FromResult(backend.OwnedPartitions.Count), n => n == 2, TimeSpan.FromSeconds(20), "both partitions owned");
                // Hold the next balance round inside its first request (the heartbeat) until StopAsync has been called.
                backend.Requests.BeforeSend = message =>
                {
                    if (StorageProbe.PathOf(message).Contains("/workers/", StringComparison.Ordinal) && !proceed.IsSet)
                    {
                        entered.Set();
                        proceed.Wait(TimeSpan.FromSeconds(20));
                    }

                    return null;
                };
                Assert.True(await Task.Run(() => entered.Wait(TimeSpan.FromSeconds(20))), "no balance round started");
            }

            Task stopping = backend.StopAsync();
            proceed.Set();
            Exception? thrown = await Record.ExceptionAsync(() => stopping.WaitAsync(TimeSpan.FromSeconds(20)));

            var leases = new Azure.Storage.Blobs.BlobContainerClient(Azurite.ConnectionString, $"{hub.TaskHubName}-leases");
            var stillLeased = new List<int>();
            for (int partition = 0; partition < 2; partition++)
            {
                var properties = (await leases.GetBlobClient($"partitions/{partition:D2}").GetPropertiesAsync()).Value;
                if (properties.LeaseState == Azure.Storage.Blobs.Models.LeaseState.Leased)
                {
                    stillLeased.Add(partition);
                }
            }

            Assert.True(thrown is null && stillLeased.Count == 0,
                $"StopAsync threw {thrown?.GetType().Name ?? "nothing"} ({thrown?.Message}); partitions still leased after it: [{string.Join(",", stillLeased)}] " +
                $"(other workers wait {hub.LeaseDuration.TotalSeconds:0} s for those)");
        }
        finally
        {
            proceed.Set();
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task StopAsync_WhileAPartitionsOutboxRecoveryIsInFlight_StopsWithoutThrowing()
    {
        // A worker stopped while it recovers a partition it just took (the scan answers after the stop began): the scan
        // ends cancelled, and that must not escape StopAsync (it failed a host's shutdown in CI).
        AzureStorageOptions hub = Azurite.NewTaskHub(partitions: 2);
        var backend = new AzureStorageOrchestrationBackend(hub);
        using var entered = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        backend.Requests.BeforeSend = message =>
        {
            if (message.Request.Uri.ToString().Contains("HasOutbox", StringComparison.Ordinal) && !proceed.IsSet)
            {
                entered.Set();
                proceed.Wait(TimeSpan.FromSeconds(20));
            }

            return null;
        };
        try
        {
            await using (EngineHost host = await EngineHost.StartAsync(_ => { }, backend, bare: true))
            {
                Assert.True(await Task.Run(() => entered.Wait(TimeSpan.FromSeconds(20))), "no outbox recovery started");
            }

            Task stopping = backend.StopAsync();
            proceed.Set();
            Exception? thrown = await Record.ExceptionAsync(() => stopping.WaitAsync(TimeSpan.FromSeconds(20)));

            Assert.True(thrown is null, $"StopAsync threw {thrown?.GetType().Name}: {thrown?.Message}");
        }
        finally
        {
            proceed.Set();
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    /// <summary>A single-entity write (merge or replace) of the History table: what a commit or a poison mark sends.</summary>
    private static bool IsHistoryWrite(HttpMessage message, string hub) =>
        message.Request.Method.Method is "MERGE" or "PATCH" or "PUT"
        && StorageProbe.PathOf(message).Contains("/" + hub + "History(", StringComparison.Ordinal);

    private async Task RunWorkloadAsync(Faults faults, Action<StorageRequests> inject, Func<string> describe)
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        // A receive whose response is lost leaves its messages invisible until this timeout: keep it short so the run stays short.
        hub.MessageVisibilityTimeout = TimeSpan.FromSeconds(10);
        // Poison handling after consecutive failed episodes is by design; with these fault rates it must not be what a run measures.
        hub.MaxDequeueCount = 10;
        faults.Hub = hub.TaskHubName;
        long executions = 0;
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await backend.CreateIfNotExistsAsync();
            await using EngineHost host = await EngineHost.StartAsync(r => Register(r, () => Interlocked.Increment(ref executions)), backend, bare: true);
            inject(backend.Requests);

            string[] ids = await Task.WhenAll(Enumerable.Range(0, Orchestrations).Select(n =>
                host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", n, new StartOrchestrationOptions { InstanceId = $"chain-{n:D2}" })));
            OrchestrationMetadata[] done = await Task.WhenAll(ids.Select(id => StorageProbe.CompletionAsync(host.Client, id, Patience)));

            StopFaults(backend.Requests);

            for (int n = 0; n < Orchestrations; n++)
            {
                Assert.True(done[n].RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{ids[n]}: {done[n].RuntimeStatus} {done[n].FailureDetails}");
                Assert.Equal(Expected(n), done[n].ReadOutputAs<long>());
                IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(ids[n]);
                StorageProbe.AssertWellFormed(ids[n], history);
                Assert.Equal(8, history.OfType<TaskScheduledEvent>().Count());
                Assert.Equal(8, history.OfType<TaskCompletedEvent>().Count());
                Assert.Single(history.OfType<TimerCreatedEvent>());
                Assert.Single(history.OfType<TimerFiredEvent>());
                Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.Single(history.OfType<ExecutionCompletedEvent>()).Status);
            }

            Assert.True(Interlocked.Read(ref executions) >= Orchestrations * 8, $"only {executions} activity executions for {Orchestrations * 8} activities");
        }
        finally
        {
            output.WriteLine($"{describe()}; {backend.Requests.Total} storage requests in all; {Interlocked.Read(ref executions)} activity executions " +
                $"for {Orchestrations * 8} activities (at-least-once repeats are allowed).");
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    private static void StopFaults(StorageRequests requests)
    {
        requests.InjectStatus = null;
        requests.BeforeSend = null;
        requests.AfterResponse = null;
    }

    private static T Count<T>(ref long counter, T fault)
    {
        Interlocked.Increment(ref counter);
        return fault;
    }

    /// <summary>A five-activity chain, a fan-out of three and a short timer; the output is a pure function of the input.</summary>
    private static void Register(DurableTaskRegistry registry, Action executed) => registry
        .AddActivityFunc<int, long>("Square", (_, x) =>
        {
            executed();
            return (long)x * x;
        })
        .AddOrchestratorFunc<int, long>("Chain", async (context, n) =>
        {
            long sum = 0;
            for (int i = 0; i < 5; i++)
            {
                sum += await context.CallActivityAsync<long>("Square", n * 10 + i);
            }

            long[] fan = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => context.CallActivityAsync<long>("Square", n + i)));
            await context.CreateTimer(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            return sum + fan.Sum();
        });

    // The same workload as the test worker's "Chain", with an in-process execution counter instead of a table.
    private static long Expected(int n) => AgentFactory.Durable.AzureStorage.TestWorker.TestOrchestrations.Expected(n);

    /// <summary>Seeded, thread-safe coin flips (the pipeline calls the hooks from many threads at once).</summary>
    private sealed class Faults(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Lock _gate = new();

        public string Hub { get; set; } = "";

        public bool Chance(double probability)
        {
            lock (_gate)
            {
                return _random.NextDouble() < probability;
            }
        }
    }
}
