using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class SecurityTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "POST", "/orchestrators/Echo" },
        { "POST", "/orchestrators/Echo/some-id" },
        { "GET", "/instances" },
        { "GET", "/instances/" },
        { "DELETE", "/instances?createdTimeFrom=2001-01-01T00:00:00Z" },
        { "GET", "/instances/some-id" },
        { "DELETE", "/instances/some-id" },
        { "POST", "/instances/some-id/raiseEvent/Approve" },
        { "POST", "/instances/some-id/terminate" },
        { "POST", "/instances/some-id/suspend" },
        { "POST", "/instances/some-id/resume" },
        { "POST", "/instances/some-id/restart" },
        { "POST", "/instances/some-id/rewind" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Routes))]
    public async Task EveryRoute_Anonymous_Returns401(string method, string path)
    {
        using HttpClient http = host.Client(role: null, tenant: null);

        using HttpResponseMessage response = await SendAsync(http, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Routes))]
    public async Task EveryRoute_RoleOutsideThePolicy_Returns403(string method, string path)
    {
        using HttpClient http = host.Client(role: "factory", tenant: "t1");

        using HttpResponseMessage response = await SendAsync(http, method, path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Routes))]
    public async Task EveryRoute_NoTenantClaim_Returns403Problem(string method, string path)
    {
        using HttpClient http = host.Client(role: "automation", tenant: null);

        using HttpResponseMessage response = await SendAsync(http, method, path);

        await StartTests.AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public void EveryMappedRoute_RequiresTheAutomationPolicy()
    {
        RouteEndpoint[] endpoints = [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(DurableApiHost.Base, StringComparison.Ordinal))];

        Assert.Equal(11, endpoints.Length);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == "Automation"));
    }

    [Fact(Timeout = 60_000)]
    public async Task AnotherTenant_GetsTheUnknownIdAnswerOnEveryInstanceRoute_AndChangesNothing()
    {
        using HttpClient owner = host.NewTenant(out _);
        using HttpClient other = host.NewTenant(out _);
        string running = (await DurableApiHost.StartAsync(owner, TestOrchestrations.Approval)).Id;
        string finished = (await DurableApiHost.StartAsync(owner, TestOrchestrations.Echo, "kept")).Id;
        await host.RunningAsync(running);
        await host.CompletedAsync(finished);

        foreach (string id in new[] { running, finished })
        {
            foreach ((string method, string path) in InstanceRoutes(id))
            {
                string unknown = "unknown-" + Guid.NewGuid().ToString("N");
                using HttpResponseMessage foreign = await SendAsync(other, method, path);
                using HttpResponseMessage missing = await SendAsync(other, method, path.Replace(id, unknown, StringComparison.Ordinal));

                Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
                Assert.Equal(missing.StatusCode, foreign.StatusCode);
                Assert.Equal(await ComparableAsync(missing, unknown), await ComparableAsync(foreign, id));
            }
        }

        OrchestrationMetadata stillRunning = (await host.Durable.GetInstanceAsync(running))!;
        Assert.Equal(OrchestrationRuntimeStatus.Running, stillRunning.RuntimeStatus);
        Assert.DoesNotContain(await host.Durable.GetInstanceHistoryAsync(running), e => e is Durable.History.EventRaisedEvent or Durable.History.ExecutionSuspendedEvent);
        Assert.Equal("\"kept\"", (await host.Durable.GetInstanceAsync(finished, getInputsAndOutputs: true))!.SerializedOutput);
        Assert.Single(await ListTests.IdsAsync(owner, $"?instanceIdPrefix={finished}"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Lists_ShowEachTenantItsOwn_AndThePlatformsOpsEveryone()
    {
        string prefix = "iso-" + Guid.NewGuid().ToString("N")[..8];
        using HttpClient a = host.NewTenant(out _);
        using HttpClient b = host.NewTenant(out _);
        using HttpClient ops = host.PlatformOps();
        using HttpClient platformAutomation = host.Client("automation", "platform");
        await DurableApiHost.StartAsync(a, TestOrchestrations.Echo, instanceId: prefix + "-a");
        await DurableApiHost.StartAsync(b, TestOrchestrations.Echo, instanceId: prefix + "-b");

        string[] seenByA = await ListTests.IdsAsync(a, $"?instanceIdPrefix={prefix}");
        string[] seenByB = await ListTests.IdsAsync(b, $"?instanceIdPrefix={prefix}");
        string[] seenByOps = await ListTests.IdsAsync(ops, $"?instanceIdPrefix={prefix}");
        string[] seenByPlatformAutomation = await ListTests.IdsAsync(platformAutomation, $"?instanceIdPrefix={prefix}");

        Assert.Equal([prefix + "-a"], seenByA);
        Assert.Equal([prefix + "-b"], seenByB);
        Assert.Equal([prefix + "-a", prefix + "-b"], seenByOps.Order());
        Assert.Empty(seenByPlatformAutomation);
    }

    [Fact(Timeout = 30_000)]
    public async Task PlatformOps_ManagesAnyTenantsInstance()
    {
        using HttpClient tenant = host.NewTenant(out string name);
        using HttpClient ops = host.PlatformOps();
        var started = await DurableApiHost.StartAsync(tenant, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage status = await ops.GetAsync(started.StatusQueryGetUri);
        using HttpResponseMessage raise = await ops.PostAsync(started.SendEventPostUri.Replace("{eventName}", "Approve", StringComparison.Ordinal),
            new StringContent("\"ops\"", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        OrchestrationMetadata done = await host.CompletedAsync(started.Id);
        Assert.Equal("approved by ops", done.ReadOutputAs<string>());
        Assert.Equal(name, done.Tags!["tenant"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task SubOrchestration_BelongsToItsParentsTenant()
    {
        using HttpClient owner = host.NewTenant(out _);
        using HttpClient other = host.NewTenant(out _);
        string parent = (await DurableApiHost.StartAsync(owner, TestOrchestrations.Parent, new { n = 3 })).Id;
        await host.CompletedAsync(parent);

        using HttpResponseMessage mine = await owner.GetAsync($"{DurableApiHost.Base}/instances/{parent}-child");
        using HttpResponseMessage theirs = await other.GetAsync($"{DurableApiHost.Base}/instances/{parent}-child");
        using HttpResponseMessage history = await owner.GetAsync($"{DurableApiHost.Base}/instances/{parent}?showHistory=true&showHistoryOutput=true");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        JsonElement completed = (await DurableApiHost.JsonAsync(history)).GetProperty("historyEvents").EnumerateArray()
            .Single(e => e.GetProperty("EventType").GetString() == "SubOrchestrationInstanceCompleted");
        Assert.Equal(TestOrchestrations.Echo, completed.GetProperty("FunctionName").GetString());
        Assert.Equal(3, completed.GetProperty("Result").GetProperty("n").GetInt32());
    }

    [Fact(Timeout = 30_000)]
    public async Task PurgeByFilter_OfATenant_LeavesOtherTenantsInstances()
    {
        using HttpClient a = host.NewTenant(out _);
        using HttpClient b = host.NewTenant(out _);
        string ofA = (await DurableApiHost.StartAsync(a, TestOrchestrations.Echo)).Id;
        string ofB = (await DurableApiHost.StartAsync(b, TestOrchestrations.Echo)).Id;
        await host.CompletedAsync(ofA);
        await host.CompletedAsync(ofB);
        DateTime from = (await host.Durable.GetInstanceAsync(ofA))!.CreatedAt;

        using HttpResponseMessage response = await b.DeleteAsync($"{DurableApiHost.Base}/instances?createdTimeFrom={PurgeTests.Iso(from)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await DurableApiHost.JsonAsync(response)).GetProperty("instancesDeleted").GetInt32());
        Assert.Null(await host.Durable.GetInstanceAsync(ofB));
        Assert.NotNull(await host.Durable.GetInstanceAsync(ofA));
    }

    [Fact(Timeout = 60_000)]
    public async Task Paging_InterleavedTenants_IsExactAndTokensCarryNoForeignIds()
    {
        string prefix = "pg-" + Guid.NewGuid().ToString("N")[..8];
        using HttpClient a = host.NewTenant(out _);
        using HttpClient b = host.NewTenant(out _);
        var ofA = new List<string>();
        var ofB = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            ofA.Add((await DurableApiHost.StartAsync(a, TestOrchestrations.Echo, instanceId: $"{prefix}-a{i}")).Id);
            ofB.Add((await DurableApiHost.StartAsync(b, TestOrchestrations.Echo, instanceId: $"{prefix}-b{i}")).Id);
        }

        var tokens = new List<string>();
        var seen = new List<string>();
        string token = "";
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{DurableApiHost.Base}/instances?top=1&instanceIdPrefix={prefix}");
            if (token.Length > 0)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using HttpResponseMessage response = await b.SendAsync(request);
            seen.AddRange((await DurableApiHost.JsonAsync(response)).EnumerateArray().Select(e => e.GetProperty("instanceId").GetString()!));
            token = response.Headers.GetValues("x-ms-continuation-token").Single();
            tokens.Add(token);
        }
        while (token.Length > 0 && tokens.Count < 20);

        Assert.Equal(ofB, seen);
        Assert.All(tokens, t => Assert.DoesNotContain(ofA, id => Readable(t).Contains(id, StringComparison.Ordinal)));
        using var reuse = new HttpRequestMessage(HttpMethod.Get, $"{DurableApiHost.Base}/instances?top=1");
        reuse.Headers.Add("x-ms-continuation-token", tokens[0]);
        using HttpResponseMessage refused = await a.SendAsync(reuse);
        await StartTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
    }

    private static IEnumerable<(string Method, string Path)> InstanceRoutes(string id) =>
    [
        ("GET", $"/instances/{id}?showHistory=true"),
        ("DELETE", $"/instances/{id}"),
        ("POST", $"/instances/{id}/raiseEvent/Approve"),
        ("POST", $"/instances/{id}/terminate?reason=x"),
        ("POST", $"/instances/{id}/suspend"),
        ("POST", $"/instances/{id}/resume"),
        ("POST", $"/instances/{id}/restart"),
    ];

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path) =>
        http.SendAsync(new HttpRequestMessage(new HttpMethod(method), DurableApiHost.Base + path)
        {
            Content = method == "POST" ? new StringContent("\"x\"", Encoding.UTF8, "application/json") : null,
        });

    /// <summary>The body with the id asked for and the per-request trace id taken out.</summary>
    private static async Task<string> ComparableAsync(HttpResponseMessage response, string id)
    {
        JsonObject body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal);
    }

    /// <summary>The token as text, and base64/base64url-decoded when it decodes.</summary>
    private static string Readable(string token)
    {
        string base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            return token + Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return token;
        }
    }
}
