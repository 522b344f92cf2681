using System.Net;
using System.Net.Sockets;

namespace AgentFactory.Testing;

/// <summary>Ports for tests that must name one in advance (an endpoint started later, a sidecar's fixed port). Linked into test projects.</summary>
internal static class FreePorts
{
    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int Next()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
