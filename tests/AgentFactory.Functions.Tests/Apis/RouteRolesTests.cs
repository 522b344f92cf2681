using System.Net;
using System.Text;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Tests.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Apis;

/// <summary>
/// Every endpoint of the real app against the documented matrix (docs/API-ROLES.md): the endpoints are read from the
/// app's <see cref="EndpointDataSource"/>, so a route added without a row there fails here, and each is called without
/// credentials and with a key of each role.
/// </summary>
public sealed class RouteRolesTests(FactoryApp app) : IClassFixture<FactoryApp>
{
    // Endpoints only the test host maps (Hosting/TestEndpoints.cs); the app itself has none under this prefix.
    private const string TestOnlyPrefix = "/api/test/";

    [Fact]
    public void EveryEndpoint_HasARow_AndEveryRowAnEndpoint_WithThePolicyItNames()
    {
        IReadOnlyList<RoleRow> matrix = RoleMatrix.Load();
        Dictionary<(string Method, string Route), RouteEndpoint> endpoints = AppEndpoints();

        string[] undocumented = [.. endpoints.Keys.Where(k => !matrix.Any(r => r.Key == k)).Select(k => $"{k.Method} {k.Route}")];
        Assert.True(undocumented.Length == 0, $"Endpoints without a row in {RoleMatrix.Path}: {string.Join(", ", undocumented)}");
        string[] stale = [.. matrix.Where(r => !endpoints.ContainsKey(r.Key)).Select(r => $"{r.Method} {r.Route}")];
        Assert.True(stale.Length == 0, $"Rows of {RoleMatrix.Path} with no such endpoint: {string.Join(", ", stale)}");

        foreach (RoleRow row in matrix)
        {
            EndpointMetadataCollection metadata = endpoints[row.Key].Metadata;
            string[] policies = [.. metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct()];
            bool anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
            string what = $"{row.Method} {row.Route}: policies [{string.Join(", ", policies)}], anonymous {anonymous}";
            switch (row.Policy)
            {
                case "anonymous":
                    Assert.True(anonymous, what);
                    break;
                case FactoryPolicies.Factory:
                    // Named, or none named: the fallback policy is Factory.
                    Assert.True(!anonymous && policies is [] or [FactoryPolicies.Factory], what);
                    break;
                default:
                    Assert.True(!anonymous && policies.SequenceEqual([row.Policy]), what);
                    break;
            }

            string[] roles = row.Policy == "anonymous" ? [.. FactoryRoles.All] : PolicyRoles(row.Policy);
            Assert.True(roles.SequenceEqual(row.AllowedRoles), $"{row.Method} {row.Route}: the row allows [{string.Join(", ", row.AllowedRoles)}], policy {row.Policy} [{string.Join(", ", roles)}]");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task EveryEndpoint_WithoutCredentials401_AllowedRolesNever403_OthersGet403()
    {
        IReadOnlyList<RoleRow> matrix = RoleMatrix.Load();
        Dictionary<(string Method, string Route), RouteEndpoint> endpoints = AppEndpoints();
        string tenant = "tenant-roles-" + Guid.NewGuid().ToString("N")[..8];
        var callers = new Dictionary<string, HttpClient>();
        foreach (string role in FactoryRoles.All)
        {
            callers[role] = await app.WithKeyAsync(role, tenant);
        }

        HttpClient anonymous = app.Anonymous();
        var failures = new List<string>();
        foreach (RoleRow row in matrix.Where(r => endpoints.ContainsKey(r.Key)))
        {
            string path = SamplePath(endpoints[row.Key].RoutePattern);

            HttpResponseMessage none = await anonymous.SendAsync(Request(row.Method, path));
            if (row.Policy == "anonymous")
            {
                Check(failures, row, "no credentials", none, allowed: true);
            }
            else
            {
                await CheckProblemAsync(failures, row, "no credentials", none, HttpStatusCode.Unauthorized);
            }

            foreach ((string role, HttpClient client) in callers)
            {
                HttpResponseMessage response = await client.SendAsync(Request(row.Method, path));
                if (row.AllowedRoles.Contains(role))
                {
                    Check(failures, row, role, response, allowed: true);
                }
                else
                {
                    await CheckProblemAsync(failures, row, role, response, HttpStatusCode.Forbidden);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Every role was refused somewhere and allowed somewhere, so neither check above can pass by accident.
        Assert.Contains(matrix, r => !r.AllowedRoles.Contains(FactoryRoles.Portal));
        Assert.All(FactoryRoles.All, role => Assert.Contains(matrix, r => r.Policy != "anonymous" && r.AllowedRoles.Contains(role)));
    }

    private static string[] PolicyRoles(string policy) => policy switch
    {
        FactoryPolicies.Factory => [.. FactoryRoles.All],
        FactoryPolicies.Automation => [FactoryRoles.Automation, FactoryRoles.Ops],
        FactoryPolicies.Ops => [FactoryRoles.Ops],
        _ => throw new InvalidOperationException($"{RoleMatrix.Path} names policy '{policy}', which FactoryPolicies does not have."),
    };

    private static void Check(List<string> failures, RoleRow row, string caller, HttpResponseMessage response, bool allowed)
    {
        int status = (int)response.StatusCode;
        // 501 is an answer (rewind is not supported); 500 would be a crash.
        if (allowed && status is 401 or 403 or 500)
        {
            failures.Add($"{row.Method} {row.Route} as {caller}: {status}, expected neither 401, 403 nor 500");
        }
    }

    private static async Task CheckProblemAsync(List<string> failures, RoleRow row, string caller, HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
            || !body.Contains($"\"status\":{(int)expected}", StringComparison.Ordinal))
        {
            failures.Add($"{row.Method} {row.Route} as {caller}: {(int)response.StatusCode} {response.Content.Headers.ContentType}, "
                + $"expected {(int)expected} ProblemDetails: {body}");
        }
    }

    /// <summary>
    /// A request that cannot change anything: dummy ids and, on POST/PUT/PATCH, a malformed JSON body (refused with 400
    /// after authorization, which is what is under test).
    /// </summary>
    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{", Encoding.UTF8, "application/json") : null,
    };

    /// <summary>The route with a harmless value in each parameter (ids that exist nowhere).</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (RoutePatternPathSegment segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (RoutePatternPart part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart { Name: "documentName" } => "v1",
                    RoutePatternParameterPart { Name: "move" } => "cancel",
                    RoutePatternParameterPart { Name: "eventName" } => "Nothing",
                    RoutePatternParameterPart { Name: "functionName" } => "NoSuchOrchestrator",
                    RoutePatternParameterPart => "none-" + Guid.NewGuid().ToString("N")[..12],
                    _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}."),
                });
            }
        }

        return path.ToString();
    }

    /// <summary>The app's endpoints by (method, route), the test host's own left out.</summary>
    private Dictionary<(string Method, string Route), RouteEndpoint> AppEndpoints()
    {
        var endpoints = new Dictionary<(string, string), RouteEndpoint>();
        foreach (RouteEndpoint endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string route = RoleMatrix.Normalize(endpoint.RoutePattern.RawText ?? "");
            if (route.StartsWith(TestOnlyPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(methods.Count > 0, $"{route} takes any HTTP method: give it one, and a row in {RoleMatrix.Path}");
            foreach (string method in methods)
            {
                Assert.True(endpoints.TryAdd((method, route), endpoint), $"{method} {route} is mapped twice");
            }
        }

        Assert.NotEmpty(endpoints);
        return endpoints;
    }
}

/// <summary>One row of docs/API-ROLES.md.</summary>
internal sealed record RoleRow(string Method, string Route, string Policy, string[] AllowedRoles)
{
    public (string Method, string Route) Key => (Method, Route);
}

/// <summary>Reads the table of docs/API-ROLES.md.</summary>
internal static class RoleMatrix
{
    public const string Path = "docs/API-ROLES.md";

    /// <summary>A leading slash, no trailing one: <c>MapGroup("/x").MapGet("/")</c> is "/x/".</summary>
    public static string Normalize(string route) => "/" + route.Trim().Trim('/');

    public static IReadOnlyList<RoleRow> Load()
    {
        string file = FindRepositoryFile(Path);
        var rows = new List<RoleRow>();
        string[]? header = null;
        foreach (string line in File.ReadLines(file).Select(l => l.Trim()).Where(l => l.StartsWith('|')))
        {
            string[] cells = [.. line.Trim('|').Split('|').Select(c => c.Trim())];
            if (header is null)
            {
                header = cells;
                Assert.Equal(["method", "route", "policy", .. FactoryRoles.All], header);
                continue;
            }

            if (cells.All(c => c.Trim('-', ':').Length == 0))
            {
                continue;
            }

            Assert.True(cells.Length == header.Length, $"{Path}: row '{line}' has {cells.Length} cells, the header {header.Length}");
            string[] allowed = [.. FactoryRoles.All.Where((role, i) => cells[3 + i] switch
            {
                "yes" => true,
                "no" => false,
                _ => throw new InvalidOperationException($"{Path}: row '{line}': '{cells[3 + i]}' for {role} is neither yes nor no."),
            })];
            rows.Add(new RoleRow(cells[0].ToUpperInvariant(), Normalize(cells[1]), cells[2], allowed));
        }

        Assert.True(rows.Count > 0, $"{Path} has no table rows");
        Assert.True(rows.Select(r => r.Key).Distinct().Count() == rows.Count, $"{Path} lists a route twice");
        return rows;
    }

    private static string FindRepositoryFile(string relative)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}.");
    }
}
