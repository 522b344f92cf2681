using System.Net;
using System.Text.Json;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

/// <summary>Client mistakes are 400 ProblemDetails naming the parameter, never a 500 and never silently ignored.</summary>
public class BadInputTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    [Theory(Timeout = 30_000)]
    [InlineData("GET", "/instances?top=abc", "top")]
    [InlineData("GET", "/instances?top=0", "top")]
    [InlineData("GET", "/instances?top=-5", "top")]
    [InlineData("GET", "/instances?top=1001", "top")]
    [InlineData("GET", "/instances?top=1&top=2", "top")]
    [InlineData("GET", "/instances?createdTimeFrom=yesterday", "createdTimeFrom")]
    [InlineData("GET", "/instances?createdTimeTo=2026-13-45", "createdTimeTo")]
    [InlineData("GET", "/instances?createdTimeFrom=2026-02-01&createdTimeTo=2026-01-01", "createdTimeTo")]
    [InlineData("GET", "/instances?runtimeStatus=Running,Bogus", "runtimeStatus")]
    [InlineData("GET", "/instances?runtimeStatus=1", "runtimeStatus")]
    [InlineData("GET", "/instances?showInput=maybe", "showInput")]
    [InlineData("GET", "/instances/some-id?showHistory=yes", "showHistory")]
    [InlineData("GET", "/instances/some-id?showHistoryOutput=2", "showHistoryOutput")]
    [InlineData("GET", "/instances/some-id?returnInternalServerErrorOnFailure=x", "returnInternalServerErrorOnFailure")]
    [InlineData("POST", "/instances/some-id/restart?restartWithNewInstanceId=perhaps", "restartWithNewInstanceId")]
    [InlineData("DELETE", "/instances?createdTimeFrom=not-a-date", "createdTimeFrom")]
    [InlineData("DELETE", "/instances?createdTimeFrom=2026-01-01&runtimeStatus=Done", "runtimeStatus")]
    public async Task BadQueryParameter_Returns400ProblemNamingIt(string method, string path, string parameter)
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), DurableApiHost.Base + path));

        JsonElement problem = await StartTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task SeveralBadParameters_AreAllNamedInOneAnswer()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances?top=x&runtimeStatus=Nope&createdTimeFrom=soon");

        JsonElement problem = await StartTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["createdTimeFrom", "runtimeStatus", "top"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("?top=")]
    [InlineData("?runtimeStatus=running,%20COMPLETED,")]
    [InlineData("?createdTimeFrom=2026-01-01")]
    [InlineData("?createdTimeFrom=2026-01-01T10:00:00%2B02:00&createdTimeTo=2100-01-01T00:00:00.1234567Z")]
    [InlineData("?showInput=False&top=1000")]
    public async Task AcceptedSpellings_Return200(string query)
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
