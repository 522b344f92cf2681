using System.Collections.Concurrent;
using Azure.Core;
using AgentFactory.Durable.AzureStorage;

namespace AgentFactory.Bench;

/// <summary>
/// Counts a backend's storage requests by kind (table merge, queue send, queue delete, …), hooked on
/// <see cref="StorageRequests.BeforeSend"/> (which sees every attempt, retries included, and injects nothing here).
/// </summary>
internal sealed class StorageRequestKinds
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly (string Service, string Prefix)[] _endpoints;

    private StorageRequestKinds(string connectionString)
    {
        _endpoints = [.. connectionString.Split(';')
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] is "TableEndpoint" or "QueueEndpoint" or "BlobEndpoint")
            .Select(p => (p[0][..^"Endpoint".Length].ToLowerInvariant(), new Uri(p[1]).GetLeftPart(UriPartial.Authority)))];
    }

    public static StorageRequestKinds Attach(AzureStorageOrchestrationBackend backend)
    {
        var kinds = new StorageRequestKinds(backend.Options.ConnectionString ?? "");
        backend.Requests.BeforeSend = message =>
        {
            kinds.Count(message.Request);
            return null;
        };
        return kinds;
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public static Dictionary<string, long> Difference(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before) =>
        after.Select(p => (p.Key, Value: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.Value > 0)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private void Count(Request request)
    {
        string kind = Classify(request);
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    private string Classify(Request request)
    {
        Uri uri = request.Uri.ToUri();
        string authority = uri.GetLeftPart(UriPartial.Authority);
        string service = _endpoints.FirstOrDefault(e => e.Prefix == authority).Service
            ?? (uri.Host.Contains(".table.", StringComparison.Ordinal) ? "table" : uri.Host.Contains(".queue.", StringComparison.Ordinal) ? "queue" : "blob");
        string method = request.Method.Method;
        string path = Uri.UnescapeDataString(uri.AbsolutePath);
        string query = uri.Query;
        switch (service)
        {
            case "table":
                if (path.EndsWith("/$batch", StringComparison.Ordinal))
                {
                    return "table batch";
                }

                if (path.EndsWith("/Tables", StringComparison.Ordinal) || path.Contains("/Tables(", StringComparison.Ordinal))
                {
                    return "table create/delete table";
                }

                bool entity = path.EndsWith(')') && !path.EndsWith("()", StringComparison.Ordinal);
                return method switch
                {
                    "GET" => entity ? "table point read" : "table query",
                    "POST" => "table insert",
                    "PUT" => request.Headers.TryGetValue("If-Match", out _) ? "table replace (If-Match)" : "table upsert",
                    "PATCH" or "MERGE" => request.Headers.TryGetValue("If-Match", out string? m) && m != "*" ? "table merge (If-Match)" : "table merge",
                    "DELETE" => entity ? "table delete" : "table delete table",
                    _ => "table " + method,
                };
            case "queue":
                bool messages = path.EndsWith("/messages", StringComparison.Ordinal);
                bool oneMessage = path.Contains("/messages/", StringComparison.Ordinal);
                return (method, messages, oneMessage) switch
                {
                    ("POST", true, _) => "queue send",
                    ("GET", true, _) => query.Contains("peekonly", StringComparison.OrdinalIgnoreCase) ? "queue peek" : "queue receive",
                    ("DELETE", _, true) => "queue delete message",
                    ("PUT", _, true) => "queue update message",
                    _ => "queue " + method + (query.Length > 0 ? " " + query.TrimStart('?').Split('&')[0] : ""),
                };
            default:
                string comp = query.TrimStart('?').Split('&').FirstOrDefault(q => q.StartsWith("comp=", StringComparison.Ordinal)) ?? "";
                if (comp == "comp=lease")
                {
                    return "blob lease " + (request.Headers.TryGetValue("x-ms-lease-action", out string? action) ? action : "?");
                }

                return "blob " + method + (comp.Length > 0 ? " " + comp[5..] : "");
        }
    }
}
