using System.Text.Json;
using AgentFactory.Functions.Apis;
using Microsoft.AspNetCore.Http;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

/// <summary>The check-status helper that the factory's own start routes reuse.</summary>
public class DurableHttpResponsesTests
{
    [Fact]
    public void CreateHttpManagementPayload_CarriesSchemeHostPathBaseAndTheCallersDurableParameters()
    {
        HttpRequest request = Request("https", "factory.example.com:8443", "/app", "?other=1&code=k%2Fy&connection=Storage&taskHub=Hub");

        HttpManagementPayload payload = DurableHttpResponses.CreateHttpManagementPayload(request, "deploy 1/ü");

        const string instance = "https://factory.example.com:8443/app/runtime/webhooks/durabletask/instances/deploy%201%2F%C3%BC";
        const string query = "taskHub=Hub&connection=Storage&code=k%2Fy";
        Assert.Equal("deploy 1/ü", payload.Id);
        Assert.Equal($"{instance}?{query}", payload.StatusQueryGetUri);
        Assert.Equal($"{instance}/raiseEvent/{{eventName}}?{query}", payload.SendEventPostUri);
        Assert.Equal($"{instance}/terminate?reason={{text}}&{query}", payload.TerminatePostUri);
        Assert.Equal($"{instance}?{query}", payload.PurgeHistoryDeleteUri);
        Assert.Equal($"{instance}/restart?{query}", payload.RestartPostUri);
        Assert.Equal($"{instance}/suspend?reason={{text}}&{query}", payload.SuspendPostUri);
        Assert.Equal($"{instance}/resume?reason={{text}}&{query}", payload.ResumePostUri);
    }

    [Fact]
    public void CreateHttpManagementPayload_RequestWithoutParameters_GivesLinksWithoutAQuery()
    {
        HttpManagementPayload payload = DurableHttpResponses.CreateHttpManagementPayload(Request("http", "localhost:7071", "", ""), "abc");

        Assert.Equal("http://localhost:7071/runtime/webhooks/durabletask/instances/abc", payload.StatusQueryGetUri);
        Assert.Equal("http://localhost:7071/runtime/webhooks/durabletask/instances/abc/terminate?reason={text}", payload.TerminatePostUri);
        Assert.Equal("http://localhost:7071/runtime/webhooks/durabletask/instances/abc/restart", payload.RestartPostUri);
    }

    [Theory]
    [InlineData("", "http://h/runtime/webhooks/durabletask/instances/abc?returnInternalServerErrorOnFailure=true")]
    [InlineData("?code=k", "http://h/runtime/webhooks/durabletask/instances/abc?code=k&returnInternalServerErrorOnFailure=true")]
    public void CreateHttpManagementPayload_ReturnInternalServerErrorOnFailure_IsAddedToTheStatusLinkOnly(string query, string expected)
    {
        HttpManagementPayload payload = DurableHttpResponses.CreateHttpManagementPayload(Request("http", "h", "", query), "abc", returnInternalServerErrorOnFailure: true);

        Assert.Equal(expected, payload.StatusQueryGetUri);
        Assert.DoesNotContain("returnInternalServerErrorOnFailure", payload.PurgeHistoryDeleteUri, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task CheckStatus_Executed_Writes202LocationRetryAfterAndThePayload()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("factory.example.com");
        context.Response.Body = new MemoryStream();

        CheckStatusResult result = DurableHttpResponses.CheckStatus(context.Request, "abc");
        await result.ExecuteAsync(context);

        Assert.Equal(202, context.Response.StatusCode);
        Assert.Equal(result.Payload.StatusQueryGetUri, context.Response.Headers.Location.ToString());
        Assert.Equal("10", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        JsonElement body = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal(
            ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri"],
            DurableApiHost.Names(body));
        Assert.Equal("https://factory.example.com/runtime/webhooks/durabletask/instances/abc", body.GetProperty("statusQueryGetUri").GetString());
    }

    private static HttpRequest Request(string scheme, string host, string pathBase, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.PathBase = new PathString(pathBase);
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
