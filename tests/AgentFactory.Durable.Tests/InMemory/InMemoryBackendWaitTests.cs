using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.InMemory;

/// <summary>How the in-memory backend's lock calls wait: they must end on cancellation and never miss a due message.</summary>
public class InMemoryBackendWaitTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 60_000)]
    public async Task LockNextActivityWorkItemAsync_TokenAlreadyCancelled_ThrowsInsteadOfSpinning()
    {
        var backend = new InMemoryOrchestrationBackend(new FakeTimeProvider(Start));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        // On another thread: before the fix the call never returned (a synchronous busy loop).
        Task<ActivityWorkItem?> locking = Task.Run(() => backend.LockNextActivityWorkItemAsync(cts.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locking.WaitAsync(Bound));
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextOrchestrationWorkItemAsync_TokenAlreadyCancelled_ThrowsInsteadOfSpinning()
    {
        var backend = new InMemoryOrchestrationBackend(new FakeTimeProvider(Start));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Task<OrchestrationWorkItem?> locking = Task.Run(() => backend.LockNextOrchestrationWorkItemAsync(cts.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locking.WaitAsync(Bound));
    }

    [Fact(Timeout = 60_000)]
    public async Task LockNextOrchestrationWorkItemAsync_ClockReachesDueTimeWhileArmingTimer_ReturnsTheDueMessage()
    {
        var fake = new FakeTimeProvider(Start);
        DateTimeOffset due = Start.AddHours(1);
        var clock = new JumpOnFirstTimer(fake, jumpTo: due);
        var backend = new InMemoryOrchestrationBackend(clock);
        var started = new ExecutionStartedEvent("Any", null, "exec-1") { Timestamp = Start.UtcDateTime };
        await backend.CreateInstanceAsync(new OrchestrationMetadata("Any", "late-1") { RuntimeStatus = OrchestrationRuntimeStatus.Pending },
            new OrchestrationMessage("late-1", started) { VisibleAt = due.UtcDateTime });

        // The backend reads the time (one hour to go), then the clock reaches the due time just before
        // the backend arms its timer: the timer then runs an hour from the new time and never fires here.
        OrchestrationWorkItem? workItem = await backend.LockNextOrchestrationWorkItemAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.True(clock.Jumped);
        Assert.Equal("late-1", workItem?.InstanceId);
    }

    /// <summary>A clock that jumps to <c>jumpTo</c> the moment the first timer is created, before arming it.</summary>
    private sealed class JumpOnFirstTimer(FakeTimeProvider inner, DateTimeOffset jumpTo) : TimeProvider
    {
        private int _jumped;

        public bool Jumped => Volatile.Read(ref _jumped) == 1;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Interlocked.Exchange(ref _jumped, 1) == 0)
            {
                inner.SetUtcNow(jumpTo);
            }

            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
