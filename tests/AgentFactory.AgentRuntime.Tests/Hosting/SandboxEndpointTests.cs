using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.AgentRuntime.SandboxEndpoint;
using AgentFactory.AgentRuntime.Tests.Support;

namespace AgentFactory.AgentRuntime.Tests.Hosting;

public class SandboxEndpointTests(EndpointFixture endpoint) : IClassFixture<EndpointFixture>
{
    private static readonly HttpClient Http = new();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Url + path);
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Theory(Timeout = 10_000)]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(503)]
    public async Task Status_AnyCode_AnswersWithIt(int code)
    {
        var (status, body) = await GetAsync($"/status/{code}");

        Assert.Equal(code, (int)status);
        Assert.Equal(code, body.GetProperty("status").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Delay_AnswersAfterTheDelay()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (status, _) = await GetAsync("/delay/150");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(started.ElapsedMilliseconds >= 140, $"answered after {started.ElapsedMilliseconds} ms");
    }

    [Fact(Timeout = 10_000)]
    public async Task Echo_ReturnsMethodPathQueryAndJsonButNeverHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, endpoint.Url + "/echo?a=1&b=two") { Content = JsonContent.Create(new { orderId = "A-1" }) };
        request.Headers.Add("X-Secret-Header", "do-not-echo");

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal("PUT", body.GetProperty("method").GetString());
        Assert.Equal("/echo", body.GetProperty("path").GetString());
        Assert.Equal("two", body.GetProperty("query").GetProperty("b").GetString());
        Assert.Equal("A-1", body.GetProperty("json").GetProperty("orderId").GetString());
        Assert.DoesNotContain("do-not-echo", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task AuthCheck_Bearer_ReportsSchemeAndPresenceWithoutTheCredential()
    {
        var (status, body) = await GetAsync("/auth/check", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EndpointFixture.Credential));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body.GetProperty("scheme").GetString());
        Assert.True(body.GetProperty("credentialPresent").GetBoolean());
        Assert.True(body.GetProperty("credentialMatches").GetBoolean());
        Assert.DoesNotContain(EndpointFixture.Credential, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task AuthCheck_WrongOrNoCredential_SaysSo()
    {
        var (_, wrong) = await GetAsync("/auth/check", r => r.Headers.Add("X-Api-Key", "guess"));
        var (status, none) = await GetAsync("/auth/check");

        Assert.Equal("ApiKey", wrong.GetProperty("scheme").GetString());
        Assert.False(wrong.GetProperty("credentialMatches").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(none.GetProperty("credentialPresent").GetBoolean());
    }

    [Fact(Timeout = 10_000)]
    public async Task JsonUsers_42_IsTheFixtureAndOthersAreNotFound()
    {
        var (_, ada) = await GetAsync("/json/users/42");
        var (status, _) = await GetAsync("/json/users/7");

        Assert.Equal("""{"id":42,"name":"Ada Lovelace","address":{"city":"London"}}""", ada.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact(Timeout = 10_000)]
    public async Task Dispose_WithARequestInFlight_StopsPromptly()
    {
        var other = SandboxHttpEndpoint.Start();
        var pending = Http.GetAsync(other.BaseAddress + "delay/30000");
        await TestWait.UntilAsync(() => other.RequestCount == 1, TimeSpan.FromSeconds(5));

        await other.DisposeAsync();

        // The 30 s delay is cut short (HttpListener ends the pending response), and nothing listens any more.
        await pending.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(other.BaseAddress + "status/200"));
    }
}
