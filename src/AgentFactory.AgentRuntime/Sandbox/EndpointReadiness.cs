using System.Net.Sockets;

namespace AgentFactory.AgentRuntime.Sandbox;

/// <summary>
/// Waits for the sandbox's test endpoint to accept connections before the first task. Locally the endpoint is up
/// before the sandbox starts; in Container Instances it is a sidecar that starts alongside the sandbox, and a task
/// sent before it listens would fail for a reason that is not the agent's.
/// </summary>
internal static class EndpointReadiness
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    /// <summary>True once <paramref name="endpoint"/> accepts a TCP connection; false when it did not within <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitAsync(Uri endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token);
                return true;
            }
            catch (SocketException)
            {
                // Nobody listens yet: try again shortly.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                await Task.Delay(Pause, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}
