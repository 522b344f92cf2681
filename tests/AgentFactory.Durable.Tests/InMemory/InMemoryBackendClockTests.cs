using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.InMemory;

public class InMemoryBackendClockTests
{
    [Fact(Timeout = 60_000)]
    public async Task LockNextOrchestrationWorkItemAsync_ClockPassesDueTimeWhileTimerIsCreated_StillDeliversTheMessage()
    {
        var clock = new ClockThatMovesWhileATimerIsCreated();
        var backend = new InMemoryOrchestrationBackend(clock);
        DateTime now = clock.GetUtcNow().UtcDateTime;
        DateTime due = now.AddHours(1);
        var started = new ExecutionStartedEvent("Later", null, "execution") { Timestamp = now };
        await backend.CreateInstanceAsync(
            new OrchestrationMetadata("Later", "later") { ExecutionId = "execution", CreatedAt = now },
            new OrchestrationMessage("later", started) { VisibleAt = due });

        // The clock reaches the due time just as the backend creates its timer, i.e. after it computed the delay:
        // a timer counting that delay from the new time would fire an hour late (never, in a test).
        clock.MoveOnNextTimer(TimeSpan.FromHours(1));
        using var cts = new CancellationTokenSource(EngineHost.Timeout);
        OrchestrationWorkItem? item = await Task.Run(() => backend.LockNextOrchestrationWorkItemAsync(cts.Token), cts.Token);

        Assert.Equal("later", item?.InstanceId);
        Assert.Equal(due, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>A fake clock that advances itself right before it creates the next timer.</summary>
    private sealed class ClockThatMovesWhileATimerIsCreated : FakeTimeProvider
    {
        private long _jumpTicks;

        public void MoveOnNextTimer(TimeSpan by) => Interlocked.Exchange(ref _jumpTicks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            long jump = Interlocked.Exchange(ref _jumpTicks, 0);
            if (jump > 0)
            {
                Advance(TimeSpan.FromTicks(jump));
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
