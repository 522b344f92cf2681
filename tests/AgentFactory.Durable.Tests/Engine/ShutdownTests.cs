using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;

namespace AgentFactory.Durable.Tests.Engine;

public class ShutdownTests
{
    [Fact(Timeout = 60_000)]
    public async Task StopAsync_ActivityObservesStopToken_ActivityIsAbandonedAndCompletesOnNextHost()
    {
        var backend = new InMemoryOrchestrationBackend();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        static void Orchestrator(DurableTaskRegistry r) =>
            r.AddOrchestratorFunc<string>("Job", ctx => ctx.CallActivityAsync<string>("Work", "payload"));

        EngineHost first = await EngineHost.StartAsync(
            r =>
            {
                Orchestrator(r);
                r.AddActivity("Work", _ => new StopAwareActivity(started, stopSeen));
            },
            backend);
        string id;
        try
        {
            id = await first.ScheduleAsync("Job");
            await started.Task.WaitAsync(EngineHost.Timeout);
        }
        finally
        {
            // Well inside the host's 30 s shutdown timeout: a worker that does not stop fails here.
            await first.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }

        await stopSeen.Task.WaitAsync(EngineHost.Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await backend.GetInstanceAsync(id))?.RuntimeStatus);

        await using EngineHost second = await EngineHost.StartAsync(
            r =>
            {
                Orchestrator(r);
                r.AddActivityFunc<string, string>("Work", (_, x) => "finished " + x);
            },
            backend);
        OrchestrationMetadata result = await second.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("finished payload", result.ReadOutputAs<string>());
        IReadOnlyList<HistoryEvent> history = await second.Client.GetInstanceHistoryAsync(id);
        Assert.Single(history.OfType<TaskScheduledEvent>());
        Assert.Single(history.OfType<TaskCompletedEvent>());
        Assert.Empty(history.OfType<TaskFailedEvent>());
    }

    /// <summary>Runs until the worker stops, and reports that it saw the stop.</summary>
    private sealed class StopAwareActivity(TaskCompletionSource started, TaskCompletionSource stopSeen) : ITaskActivity
    {
        public Type InputType => typeof(string);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input, CancellationToken cancellationToken)
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return "not stopped";
            }
            catch (OperationCanceledException)
            {
                stopSeen.TrySetResult();
                throw;
            }
        }
    }
}
