using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>One HTTP function as the Functions host sees it: folder name, route below the prefix, methods, key level.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel)
{
    /// <summary>The function.json that declares it (HTTP in and out: what forwarding to a custom handler needs).</summary>
    public string ToFunctionJson()
    {
        var trigger = new JsonObject
        {
            ["type"] = "httpTrigger",
            ["direction"] = "in",
            ["name"] = "req",
            ["authLevel"] = AuthLevel,
            ["methods"] = new JsonArray([.. Methods.Select(m => (JsonNode)JsonValue.Create(m))]),
            ["route"] = Route,
        };
        var bindings = new JsonArray(trigger, new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" });
        return new JsonObject { ["bindings"] = bindings }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}

/// <summary>
/// The rules that tie the app's routes to the committed <c>functions/</c> folders (docs/DEPLOYMENT.md, "HTTP functions").
/// </summary>
internal static partial class FunctionsLayout
{
    /// <summary>The host's route prefix (host.json extensions.http.routePrefix); every function route is below it.</summary>
    public const string RoutePrefix = "/api/";

    /// <summary>
    /// Every function is anonymous to the host: the app checks function keys (its own key table, per tenant and role)
    /// and Entra ID tokens itself. A host level of "function" would demand the host's keys, which the app's are not,
    /// and would turn away bearer tokens.
    /// </summary>
    public const string AuthLevel = "anonymous";

    /// <summary>App routes that are not functions, and why.</summary>
    public static string? WhyNotAFunction(string route) =>
        route == "/" ? "the host's readiness probe calls the handler directly"
        : route.StartsWith("/runtime/", StringComparison.OrdinalIgnoreCase) ? "the host keeps /runtime/ (no function route may start with it); the same API is under /api/durabletask"
        : route.StartsWith("/ws/", StringComparison.OrdinalIgnoreCase) || route.StartsWith("/client/", StringComparison.OrdinalIgnoreCase)
            ? "WebSockets do not pass through the Functions host; in Azure, progress goes through Web PubSub"
        : null;

    /// <summary>The functions the app's endpoints call for, and the routes left out with the reason.</summary>
    public static (List<HttpFunction> Functions, List<string> LeftOut, List<string> Problems) FromEndpoints(IEnumerable<EndpointDataSource> sources)
    {
        var functions = new List<HttpFunction>();
        var leftOut = new List<string>();
        var problems = new List<string>();
        foreach (RouteEndpoint endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            string route = Normalize(endpoint.RoutePattern.RawText ?? "");
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (WhyNotAFunction(route) is { } reason)
            {
                leftOut.Add($"{string.Join(',', methods)} {route}: {reason}");
                continue;
            }

            if (!route.StartsWith(RoutePrefix, StringComparison.Ordinal))
            {
                problems.Add($"Route {route} is outside the route prefix {RoutePrefix}: the Functions host would never forward it.");
                continue;
            }

            if (methods.Count == 0)
            {
                problems.Add($"Route {route} accepts every method; map it with explicit methods so its function can name them.");
                continue;
            }

            string name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                ?? string.Join('_', methods) + "_" + route[RoutePrefix.Length..];
            functions.Add(new HttpFunction(FolderName().Replace(name, "_").Trim('_'), route[RoutePrefix.Length..],
                [.. methods.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal)], AuthLevel));
        }

        foreach (IGrouping<string, HttpFunction> clash in functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Function name {clash.Key} is used by {clash.Count()} routes; give the endpoints distinct names (WithName).");
        }

        return (functions, leftOut, problems);
    }

    /// <summary>The committed functions (one folder each, with its function.json), and what is malformed.</summary>
    public static (List<HttpFunction> Functions, List<string> Problems) FromFolder(string directory)
    {
        var functions = new List<HttpFunction>();
        var problems = new List<string>();
        foreach (string folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(folder);
            string file = Path.Combine(folder, "function.json");
            if (!File.Exists(file))
            {
                problems.Add($"{name}: no function.json.");
                continue;
            }

            JsonNode? json = JsonNode.Parse(File.ReadAllText(file));
            JsonNode?[] bindings = json?["bindings"] is JsonArray array ? [.. array] : [];
            JsonNode? trigger = bindings.SingleOrDefault(b => (string?)b?["type"] == "httpTrigger");
            bool httpOut = bindings.Any(b => (string?)b?["type"] == "http" && (string?)b?["direction"] == "out");
            if (trigger is null || !httpOut || bindings.Length != 2)
            {
                problems.Add($"{name}: needs exactly an httpTrigger and an http output (what forwarding to a custom handler needs).");
                continue;
            }

            functions.Add(new HttpFunction(name, (string?)trigger["route"] ?? name,
                trigger["methods"] is JsonArray methods ? [.. methods.Select(m => ((string?)m ?? "").ToLowerInvariant()).Order(StringComparer.Ordinal)] : [],
                (string?)trigger["authLevel"] ?? "function"));
        }

        return (functions, problems);
    }

    /// <summary>What differs between the app's functions and the committed ones, as sentences that say what to do.</summary>
    public static List<string> Differences(IReadOnlyList<HttpFunction> expected, IReadOnlyList<HttpFunction> committed)
    {
        var differences = new List<string>();
        Dictionary<string, HttpFunction> byRoute = expected.SelectMany(f => f.Methods.Select(m => (Key: m + " " + f.Route, f)))
            .ToDictionary(p => p.Key, p => p.f, StringComparer.OrdinalIgnoreCase);
        Dictionary<string, HttpFunction> committedByRoute = [];
        foreach (HttpFunction function in committed)
        {
            foreach (string method in function.Methods.DefaultIfEmpty("*"))
            {
                committedByRoute[method + " " + function.Route] = function;
            }
        }

        foreach ((string key, HttpFunction function) in byRoute.Where(p => !committedByRoute.ContainsKey(p.Key)))
        {
            differences.Add($"Route {key} has no function: add functions/{function.Name}/function.json:\n{function.ToFunctionJson()}");
        }

        foreach ((string key, HttpFunction function) in committedByRoute.Where(p => !byRoute.ContainsKey(p.Key)))
        {
            differences.Add($"Function {function.Name} ({key}) has no route in the app: delete it or fix its route/methods.");
        }

        foreach (HttpFunction function in committed)
        {
            HttpFunction? match = function.Methods.Select(m => byRoute.GetValueOrDefault(m + " " + function.Route)).FirstOrDefault(f => f is not null);
            if (match is not null && !match.Methods.SequenceEqual(function.Methods, StringComparer.OrdinalIgnoreCase))
            {
                differences.Add($"Function {function.Name} declares methods {string.Join(',', function.Methods)}; the app maps {match.Route} for {string.Join(',', match.Methods)}.");
            }

            if (!string.Equals(function.AuthLevel, AuthLevel, StringComparison.Ordinal))
            {
                differences.Add($"Function {function.Name} has authLevel '{function.AuthLevel}'; it must be '{AuthLevel}': the app checks keys and tokens itself.");
            }
        }

        return differences;
    }

    /// <summary>Writes the committed folders from the app (AGENTFACTORY_WRITE_FUNCTIONS=1), replacing what is there.</summary>
    public static void Write(string directory, IEnumerable<HttpFunction> functions)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        foreach (HttpFunction function in functions)
        {
            string folder = Path.Combine(directory, function.Name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "function.json"), function.ToFunctionJson(), new UTF8Encoding(false));
        }
    }

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentFactory.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    private static string Normalize(string route)
    {
        string path = "/" + route.Trim('/');
        return path;
    }

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex FolderName();
}
