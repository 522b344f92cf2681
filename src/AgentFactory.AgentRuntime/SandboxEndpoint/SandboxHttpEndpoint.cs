using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AgentFactory.AgentRuntime.SandboxEndpoint;

/// <summary>
/// The sandbox's local HTTP test endpoint (docs/DOMAIN.md): <c>/status/{code}</c>, <c>/delay/{ms}</c>, <c>/echo</c>,
/// <c>/auth/check</c> and <c>/json/users/{id}</c>, on 127.0.0.1 at a free port. Built on <see cref="HttpListener"/> so
/// the agent program needs no ASP.NET; the program serves it with its <c>endpoint</c> command, and tests start it in
/// process. It never echoes a header value, so a credential sent to it cannot come back in a result.
/// </summary>
internal sealed class SandboxHttpEndpoint : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task serving;
    private readonly EndpointRoutes routes;
    private int requests;

    private SandboxHttpEndpoint(HttpListener listener, Uri baseAddress, string? expectedCredential)
    {
        this.listener = listener;
        BaseAddress = baseAddress;
        routes = new EndpointRoutes(expectedCredential);
        serving = ServeAsync();
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash): what SANDBOX_HTTP is set to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Requests served so far.</summary>
    public int RequestCount => Volatile.Read(ref requests);

    /// <summary>
    /// Starts the endpoint on <paramref name="port"/> (0: a free one). With <paramref name="expectedCredential"/>,
    /// <c>/auth/check</c> also says whether the credential sent was that one (<c>credentialMatches</c>).
    /// </summary>
    public static SandboxHttpEndpoint Start(int port = 0, string? expectedCredential = null)
    {
        // HttpListener cannot bind port 0; ask the kernel for a free port and retry if someone takes it first.
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port != 0 ? port : FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{chosen}/");
            try
            {
                listener.Start();
                return new SandboxHttpEndpoint(listener, new Uri($"http://127.0.0.1:{chosen}"), expectedCredential);
            }
            catch (HttpListenerException) when (port == 0 && attempt < 10)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Close();
        await serving;
        stopping.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        var inFlight = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break; // closed
            }

            Interlocked.Increment(ref requests);
            inFlight.RemoveAll(task => task.IsCompleted);
            inFlight.Add(Task.Run(() => RespondAsync(context)));
        }

        await Task.WhenAll(inFlight);
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            var (status, body) = await routes.HandleAsync(context.Request, stopping.Token);
            context.Response.StatusCode = status;
            if (body is not null && status is not (204 or 304))
            {
                var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, RuntimeJson.Options));
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes, stopping.Token);
            }

            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (a timeout test) or the endpoint is stopping: nothing to answer to.
            context.Response.Abort();
        }
    }
}
