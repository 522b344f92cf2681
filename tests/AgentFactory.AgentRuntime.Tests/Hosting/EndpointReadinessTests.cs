using System.Net;
using System.Net.Sockets;
using AgentFactory.AgentRuntime.Sandbox;
using AgentFactory.AgentRuntime.SandboxEndpoint;

namespace AgentFactory.AgentRuntime.Tests.Hosting;

public class EndpointReadinessTests
{
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitAsync_EndpointStartsLater_WaitsForItAndReturnsTrue()
    {
        int port = FreePort();
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
        var url = new Uri($"http://127.0.0.1:{FreePort()}");

        Assert.False(await EndpointReadiness.WaitAsync(url, TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EndpointReadiness.WaitAsync(new Uri($"http://127.0.0.1:{FreePort()}"), TimeSpan.FromSeconds(30), cancelled.Token));
    }
}
