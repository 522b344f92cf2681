using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentFactory.Bench;

/// <summary>
/// A counting TCP proxy in front of Azurite: one listener per (client, service), each forwarding to Azurite's port for
/// that service. It reads each request's head (and up to 8 KB of its body, for table batches and table creation) to
/// count it by client, service and resource name, and forwards every byte unchanged, so shared-key signatures hold and
/// every client — also processes the app starts, such as the agent program — is counted exactly, whatever SDK it uses.
/// Responses are piped back untouched.
/// </summary>
internal sealed partial class CountingProxy : IAsyncDisposable
{
    private const int PeekBytes = 8 * 1024;
    private static readonly string[] Services = ["blob", "queue", "table"];
    private readonly List<TcpListener> _listeners = [];
    private readonly Dictionary<(string Client, string Service), int> _ports = [];
    private readonly ConcurrentDictionary<RequestKey, long> _counts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly string _target;

    private CountingProxy(string target) => _target = target;

    /// <summary>Listeners for each of <paramref name="clients"/> in front of the account of <paramref name="connectionString"/>.</summary>
    public static CountingProxy Start(string connectionString, params string[] clients)
    {
        var proxy = new CountingProxy(connectionString);
        foreach (string client in clients)
        {
            foreach (string service in Services)
            {
                int targetPort = EndpointOf(connectionString, service).Port;
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start(512);
                proxy._listeners.Add(listener);
                proxy._ports[(client, service)] = ((IPEndPoint)listener.LocalEndpoint).Port;
                proxy._loops.Add(proxy.AcceptAsync(listener, client, service, targetPort));
            }
        }

        return proxy;
    }

    /// <summary>The connection string that sends <paramref name="client"/>'s requests through the proxy.</summary>
    public string ConnectionString(string client)
    {
        string result = _target;
        foreach (string service in Services)
        {
            Uri endpoint = EndpointOf(_target, service);
            var through = new UriBuilder(endpoint) { Port = _ports[(client, service)] }.Uri;
            result = result.Replace(endpoint.AbsoluteUri.TrimEnd('/'), through.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>A copy of the counts so far.</summary>
    public IReadOnlyDictionary<RequestKey, long> Snapshot() => new Dictionary<RequestKey, long>(_counts);

    /// <summary>What happened between two snapshots.</summary>
    public static Dictionary<RequestKey, long> Difference(IReadOnlyDictionary<RequestKey, long> before, IReadOnlyDictionary<RequestKey, long> after) =>
        after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Count > 0).ToDictionary(x => x.Key, x => x.Count);

    private static Uri EndpointOf(string connectionString, string service)
    {
        string name = char.ToUpperInvariant(service[0]) + service[1..] + "Endpoint=";
        string part = connectionString.Split(';').FirstOrDefault(p => p.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"The connection string has no {name[..^1]}: the proxy needs explicit endpoints (Azurite's).");
        return new Uri(part[name.Length..]);
    }

    private async Task AcceptAsync(TcpListener listener, string client, string service, int targetPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(incoming, client, service, targetPort));
        }
    }

    private async Task ServeAsync(TcpClient incoming, string client, string service, int targetPort)
    {
        using (incoming)
        using (var outgoing = new TcpClient())
        {
            try
            {
                incoming.NoDelay = true;
                outgoing.NoDelay = true;
                await outgoing.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
                NetworkStream fromClient = incoming.GetStream();
                NetworkStream toServer = outgoing.GetStream();
                Task responses = toServer.CopyToAsync(fromClient, _stop.Token);
                await ForwardRequestsAsync(fromClient, toServer, client, service);
                outgoing.Client.Shutdown(SocketShutdown.Send);
                await responses;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection closed by either side: what was forwarded has been counted.
            }
        }
    }

    /// <summary>Request by request: head, then exactly its body (Content-Length or chunked), counted once the body is through.</summary>
    private async Task ForwardRequestsAsync(Stream from, Stream to, string client, string service)
    {
        var buffer = new byte[64 * 1024];
        int filled = 0;
        while (true)
        {
            int headEnd;
            while ((headEnd = IndexOfHeadEnd(buffer, filled)) < 0)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int read = await from.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                filled += read;
            }

            int headLength = headEnd + 4;
            string head = Encoding.Latin1.GetString(buffer, 0, headLength);
            await to.WriteAsync(buffer.AsMemory(0, headLength), _stop.Token);
            Shift(buffer, ref filled, headLength);

            var peek = new MemoryStream();
            if (Header(head, "Content-Length") is { } text && long.TryParse(text, out long length))
            {
                filled = await ForwardBytesAsync(from, to, buffer, filled, length, peek);
            }
            else if (Header(head, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                filled = await ForwardChunkedAsync(from, to, buffer, filled, peek);
            }

            Count(client, service, head, peek);
        }
    }

    /// <summary>Forwards <paramref name="length"/> body bytes (some already in the buffer); returns how many bytes of the next request remain buffered.</summary>
    private async Task<int> ForwardBytesAsync(Stream from, Stream to, byte[] buffer, int filled, long length, MemoryStream peek)
    {
        long left = length;
        while (left > 0)
        {
            if (filled == 0)
            {
                filled = await from.ReadAsync(buffer, _stop.Token);
                if (filled == 0)
                {
                    throw new IOException("The client closed the connection inside a request body.");
                }
            }

            int take = (int)Math.Min(left, filled);
            if (peek.Length < PeekBytes)
            {
                peek.Write(buffer, 0, (int)Math.Min(take, PeekBytes - peek.Length));
            }

            await to.WriteAsync(buffer.AsMemory(0, take), _stop.Token);
            Shift(buffer, ref filled, take);
            left -= take;
        }

        return filled;
    }

    private async Task<int> ForwardChunkedAsync(Stream from, Stream to, byte[] buffer, int filled, MemoryStream peek)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(buffer, filled, "\r\n"u8)) < 0)
            {
                int read = await from.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                if (read == 0)
                {
                    throw new IOException("The client closed the connection inside a chunked body.");
                }

                filled += read;
            }

            string sizeLine = Encoding.Latin1.GetString(buffer, 0, lineEnd).Split(';')[0].Trim();
            long size = Convert.ToInt64(sizeLine, 16);
            await to.WriteAsync(buffer.AsMemory(0, lineEnd + 2), _stop.Token);
            Shift(buffer, ref filled, lineEnd + 2);
            // The chunk's data and its CRLF (the last chunk: just the CRLF, no trailers from the Azure SDK).
            filled = await ForwardBytesAsync(from, to, buffer, filled, size + 2, peek);
            if (size == 0)
            {
                return filled;
            }
        }
    }

    private void Count(string client, string service, string head, MemoryStream body)
    {
        int firstSpace = head.IndexOf(' ', StringComparison.Ordinal);
        int secondSpace = head.IndexOf(' ', firstSpace + 1);
        string method = head[..firstSpace];
        string target = head[(firstSpace + 1)..secondSpace];
        string resource = ResourceOf(service, method, target, Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
        _counts.AddOrUpdate(new RequestKey(client, service, resource), 1, (_, n) => n + 1);
    }

    /// <summary>The table, queue or blob container a request is about; "(account)" for account-level calls.</summary>
    internal static string ResourceOf(string service, string method, string target, string body)
    {
        string path = Uri.UnescapeDataString(target.Split('?')[0]);
        if (path.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(path).AbsolutePath;
        }

        // Path style (Azurite): /{account}/{resource}/...
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string first = segments.Length > 1 ? segments[1] : "";
        if (service != "table")
        {
            return first.Length == 0 ? "(account)" : first;
        }

        if (first.StartsWith("$batch", StringComparison.Ordinal))
        {
            return BatchTable().Match(body) is { Success: true } m ? m.Groups[1].Value : "(batch)";
        }

        if (first.StartsWith("Tables", StringComparison.Ordinal))
        {
            if (TableInParentheses().Match(first) is { Success: true } named)
            {
                return named.Groups[1].Value;
            }

            return method == "POST" && CreatedTable().Match(body) is { Success: true } created ? created.Groups[1].Value : "(account)";
        }

        int paren = first.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? first : first[..paren];
    }

    private static string? Header(string head, string name)
    {
        foreach (string line in head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static int IndexOfHeadEnd(byte[] buffer, int filled) => IndexOf(buffer, filled, "\r\n\r\n"u8);

    private static int IndexOf(byte[] buffer, int filled, ReadOnlySpan<byte> value) => buffer.AsSpan(0, filled).IndexOf(value);

    private static void Shift(byte[] buffer, ref int filled, int consumed)
    {
        Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
        filled -= consumed;
    }

    [GeneratedRegex(@"/[^/\s]+/([A-Za-z][A-Za-z0-9]*)(?:\(|\?|\s)")]
    private static partial Regex BatchTable();

    [GeneratedRegex(@"^Tables\('([^']+)'\)")]
    private static partial Regex TableInParentheses();

    [GeneratedRegex("\"TableName\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex CreatedTable();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (TcpListener listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}

/// <summary>One counter of the proxy: which client, which service, which table/queue/container.</summary>
internal readonly record struct RequestKey(string Client, string Service, string Resource);
