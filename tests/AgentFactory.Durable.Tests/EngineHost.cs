using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using AgentFactory.Durable.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests;

/// <summary>A real worker and client over a backend, started for one test.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    /// <summary>Upper bound for any wait in a test; a hang fails the test instead of stalling the run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private EngineHost(IHost host, IOrchestrationBackend backend, FakeTimeProvider? clock)
    {
        _host = host;
        Backend = backend;
        Clock = clock;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public IOrchestrationBackend Backend { get; }

    /// <summary>Set when the host runs on a fake clock (timers fire when the test advances it).</summary>
    public FakeTimeProvider? Clock { get; }

    /// <param name="register">Registers the orchestrators and activities.</param>
    /// <param name="backend">The backend; a new in-memory one when null.</param>
    /// <param name="clock">A fake clock for the worker, the client and a new backend.</param>
    /// <param name="services">More service registrations.</param>
    /// <param name="bare">
    /// A plain HostBuilder: no configuration files (and their file watchers), no console logging. For tests
    /// that start and stop hundreds of hosts.
    /// </param>
    public static async Task<EngineHost> StartAsync(Action<DurableTaskRegistry> register, IOrchestrationBackend? backend = null,
        FakeTimeProvider? clock = null, Action<IServiceCollection>? services = null, bool bare = false)
    {
        TimeProvider time = clock ?? TimeProvider.System;
        backend ??= new InMemoryOrchestrationBackend(time);
        IHost host = (bare ? new HostBuilder() : Host.CreateDefaultBuilder())
            // The console gets warnings and errors only: the test log stays readable; other providers see everything.
            .ConfigureLogging(l => l.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning))
            .ConfigureServices(s =>
            {
                s.AddSingleton(time);
                s.AddSingleton(backend);
                s.AddDurableTask(register, o =>
                {
                    o.MaxConcurrentOrchestrations = 2;
                    o.MaxConcurrentActivities = 4;
                });
                services?.Invoke(s);
            })
            .Build();
        await host.StartAsync();
        return new EngineHost(host, backend, clock);
    }

    /// <summary>Starts <paramref name="name"/> and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, string? instanceId = null)
    {
        string id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions { InstanceId = instanceId });
        return await CompletionAsync(id);
    }

    /// <summary>Schedules <paramref name="name"/> without waiting; returns the instance id.</summary>
    public Task<string> ScheduleAsync(string name, object? input = null, string? instanceId = null) =>
        Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions { InstanceId = instanceId });

    public Task<OrchestrationMetadata> CompletionAsync(string instanceId) =>
        Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(Timeout);

    /// <summary>Waits until the instance satisfies <paramref name="condition"/> (status polling, bounded).</summary>
    public async Task<OrchestrationMetadata> WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cts.Token);
            if (instance is not null && condition(instance))
            {
                return instance;
            }

            await Task.Delay(5, cts.Token);
        }
    }

    /// <summary>
    /// Waits until the instance's history satisfies <paramref name="condition"/>, e.g. holds a TimerCreated
    /// before the test advances the fake clock (bounded polling).
    /// </summary>
    public async Task<IReadOnlyList<HistoryEvent>> WaitForHistoryAsync(string instanceId, Func<IReadOnlyList<HistoryEvent>, bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            IReadOnlyList<HistoryEvent> history = await Client.GetInstanceHistoryAsync(instanceId, cts.Token);
            if (condition(history))
            {
                return history;
            }

            await Task.Delay(5, cts.Token);
        }
    }

    /// <summary>Waits until the history holds <paramref name="count"/> TimerCreated events, then advances the fake clock by <paramref name="by"/>.</summary>
    public async Task AdvanceWhenTimersCreatedAsync(string instanceId, int count, TimeSpan by)
    {
        FakeTimeProvider clock = Clock ?? throw new InvalidOperationException("This host runs on the system clock.");
        await WaitForHistoryAsync(instanceId, h => h.OfType<TimerCreatedEvent>().Count() >= count);
        clock.Advance(by);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
