using AgentFactory.AgentRuntime.Sandbox;
using AgentFactory.AgentRuntime.SandboxEndpoint;
using AgentFactory.Testing;

namespace AgentFactory.AgentRuntime.Tests.Hosting;

public class EndpointReadinessTests
{
    [Fact(Timeout = 60_000)]
    public async Task WaitAsync_EndpointStartsLater_WaitsForItAndReturnsTrue()
    {
        int port = FreePorts.Next();
        var url = new Uri($"http://127.0.0.1:{port}");
        Task<bool> waiting = EndpointReadiness.WaitAsync(url, TimeSpan.FromSeconds(45), CancellationToken.None);

        // Nobody listens on the port: the wait cannot have ended (it would only end by giving up, after 45 s).
        Assert.False(waiting.IsCompleted);
        await using SandboxHttpEndpoint endpoint = SandboxHttpEndpoint.Start(port);

        Assert.True(await waiting);
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_NobodyEverListens_ReturnsFalseAfterTheTimeout()
    {
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");

        Assert.False(await EndpointReadiness.WaitAsync(url, TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EndpointReadiness.WaitAsync(new Uri($"http://127.0.0.1:{FreePorts.Next()}"), TimeSpan.FromSeconds(30), cancelled.Token));
    }
}
