using System.Net;
using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class ListTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    private const string Header = "x-ms-continuation-token";

    [Fact(Timeout = 30_000)]
    public async Task List_NoFilter_ReturnsTheCallersInstancesInTheStatusShapeAndAnEmptyToken()
    {
        using HttpClient http = host.NewTenant(out _);
        string id = (await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, new { n = 1 })).Id;
        await host.CompletedAsync(id);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", Assert.Single(response.Headers.GetValues(Header)));
        JsonElement item = Assert.Single((await DurableApiHost.JsonAsync(response)).EnumerateArray());
        Assert.Equal(["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"], DurableApiHost.Names(item));
        Assert.Equal(id, item.GetProperty("instanceId").GetString());
        Assert.Equal(1, item.GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal(1, item.GetProperty("output").GetProperty("n").GetInt32());
    }

    [Fact(Timeout = 30_000)]
    public async Task List_TrailingSlash_IsTheSameRoute()
    {
        using HttpClient http = host.NewTenant(out _);
        await DurableApiHost.StartAsync(http, TestOrchestrations.Echo);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await DurableApiHost.JsonAsync(response)).EnumerateArray());
    }

    [Fact(Timeout = 30_000)]
    public async Task List_RuntimeStatusCommaList_ReturnsOnlyThoseStatuses()
    {
        using HttpClient http = host.NewTenant(out _);
        string running = (await DurableApiHost.StartAsync(http, TestOrchestrations.Approval)).Id;
        string completed = (await DurableApiHost.StartAsync(http, TestOrchestrations.Echo)).Id;
        string failed = (await DurableApiHost.StartAsync(http, TestOrchestrations.Failing)).Id;
        await host.RunningAsync(running);
        await host.CompletedAsync(completed);
        await host.CompletedAsync(failed);

        string[] both = await IdsAsync(http, "?runtimeStatus=Running,failed");
        string[] one = await IdsAsync(http, "?runtimeStatus=Completed");
        string[] canceled = await IdsAsync(http, "?runtimeStatus=Canceled");

        Assert.Equal(new[] { running, failed }.Order(), both.Order());
        Assert.Equal([completed], one);
        Assert.Empty(canceled);
    }

    [Fact(Timeout = 30_000)]
    public async Task List_InstanceIdPrefix_ReturnsOnlyMatchingIds()
    {
        using HttpClient http = host.NewTenant(out _);
        string prefix = "pre-" + Guid.NewGuid().ToString("N")[..6];
        await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, instanceId: prefix + "-a");
        await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, instanceId: prefix + "-b");
        await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, instanceId: "other-" + Guid.NewGuid().ToString("N"));

        string[] ids = await IdsAsync(http, $"?instanceIdPrefix={prefix}");

        Assert.Equal([prefix + "-a", prefix + "-b"], ids.Order());
    }

    [Fact(Timeout = 30_000)]
    public async Task List_CreatedTimeFromAndTo_AreInclusiveBounds()
    {
        using HttpClient http = host.NewTenant(out _);
        string first = (await DurableApiHost.StartAsync(http, TestOrchestrations.Echo)).Id;
        string second = (await DurableApiHost.StartAsync(http, TestOrchestrations.Echo)).Id;
        DateTime firstCreated = (await host.Durable.GetInstanceAsync(first))!.CreatedAt;
        DateTime secondCreated = (await host.Durable.GetInstanceAsync(second))!.CreatedAt;
        Assert.True(firstCreated < secondCreated);

        string[] fromFirst = await IdsAsync(http, $"?createdTimeFrom={Iso(firstCreated)}");
        string[] fromSecond = await IdsAsync(http, $"?createdTimeFrom={Iso(secondCreated)}");
        string[] toFirst = await IdsAsync(http, $"?createdTimeTo={Iso(firstCreated)}");
        string[] toSecond = await IdsAsync(http, $"?createdTimeTo={Iso(secondCreated)}");
        string[] exactlyFirst = await IdsAsync(http, $"?createdTimeFrom={Iso(firstCreated)}&createdTimeTo={Iso(firstCreated)}");

        Assert.Equal([first, second], fromFirst);
        Assert.Equal([second], fromSecond);
        Assert.Equal([first], toFirst);
        Assert.Equal([first, second], toSecond);
        Assert.Equal([first], exactlyFirst);
    }

    [Fact(Timeout = 30_000)]
    public async Task List_ShowInputFalse_LeavesInputsNull()
    {
        using HttpClient http = host.NewTenant(out _);
        await host.CompletedAsync((await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, new { n = 1 })).Id);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances?showInput=false");

        JsonElement item = Assert.Single((await DurableApiHost.JsonAsync(response)).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("input").ValueKind);
        Assert.Equal(1, item.GetProperty("output").GetProperty("n").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task List_TopAndContinuationToken_VisitEveryInstanceExactlyOnce()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            started.Add((await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, i)).Id);
        }

        (List<string> seen, List<int> pageSizes) = await ReadAllPagesAsync(http, top: 3);

        Assert.Equal(started.Order(), seen.Order());
        Assert.Equal([3, 3, 1], pageSizes);
    }

    [Fact(Timeout = 30_000)]
    public async Task List_ForgedContinuationToken_Returns400NamingTheHeader()
    {
        using HttpClient http = host.NewTenant(out _);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{DurableApiHost.Base}/instances");
        request.Headers.Add(Header, Convert.ToBase64String("0|someone-else"u8.ToArray()));

        using HttpResponseMessage response = await http.SendAsync(request);

        JsonElement problem = await StartTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(Header, out _));
    }

    internal static async Task<string[]> IdsAsync(HttpClient http, string query)
    {
        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await DurableApiHost.JsonAsync(response)).EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!)];
    }

    /// <summary>Follows the continuation token from the first page to the last; returns the ids seen and each page's size.</summary>
    internal static async Task<(List<string> Ids, List<int> PageSizes)> ReadAllPagesAsync(HttpClient http, int top, string query = "")
    {
        var ids = new List<string>();
        var sizes = new List<int>();
        string token = "";
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{DurableApiHost.Base}/instances?top={top}{query}");
            if (token.Length > 0)
            {
                request.Headers.Add(Header, token);
            }

            using HttpResponseMessage response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonElement[] page = [.. (await DurableApiHost.JsonAsync(response)).EnumerateArray()];
            Assert.True(page.Length <= top);
            sizes.Add(page.Length);
            ids.AddRange(page.Select(i => i.GetProperty("instanceId").GetString()!));
            token = response.Headers.GetValues(Header).Single();
        }
        while (token.Length > 0 && sizes.Count < 100);

        return (ids, sizes);
    }

    private static string Iso(DateTime value) => Uri.EscapeDataString(value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
}
