using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class StartTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    [Fact(Timeout = 30_000)]
    public async Task Start_JsonBody_Returns202WithManagementPayloadLocationAndRetryAfter()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.PostAsJsonAsync(
            $"{DurableApiHost.Base}/orchestrators/{TestOrchestrations.Cities}?code=key%2B1", new[] { "Tokyo", "Seattle" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal(
            ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri"],
            DurableApiHost.Names(body));
        string id = body.GetProperty("id").GetString()!;
        string instance = $"http://localhost{DurableApiHost.Base}/instances/{id}";
        Assert.Equal($"{instance}?code=key%2B1", body.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal($"{instance}/raiseEvent/{{eventName}}?code=key%2B1", body.GetProperty("sendEventPostUri").GetString());
        Assert.Equal($"{instance}/terminate?reason={{text}}&code=key%2B1", body.GetProperty("terminatePostUri").GetString());
        Assert.Equal($"{instance}?code=key%2B1", body.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.Equal($"{instance}/restart?code=key%2B1", body.GetProperty("restartPostUri").GetString());
        Assert.Equal($"{instance}/suspend?reason={{text}}&code=key%2B1", body.GetProperty("suspendPostUri").GetString());
        Assert.Equal($"{instance}/resume?reason={{text}}&code=key%2B1", body.GetProperty("resumePostUri").GetString());
        Assert.Equal(new Uri($"{instance}?code=key%2B1"), response.Headers.Location);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        OrchestrationMetadata done = await host.CompletedAsync(id);
        Assert.Equal(["Hello Tokyo!", "Hello Seattle!"], done.ReadOutputAs<string[]>()!);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_WithInstanceId_UsesTheIdAndTagsTheCallersTenant()
    {
        using HttpClient http = host.NewTenant(out string tenant);
        string id = "start-" + Guid.NewGuid().ToString("N");

        HttpManagementPayloadShape payload = await StartAsync(http, TestOrchestrations.Echo, id, """{"a":[1,2]}""");

        Assert.Equal(id, payload.Id);
        OrchestrationMetadata done = await host.CompletedAsync(id);
        Assert.Equal(tenant, done.Tags!["tenant"]);
        Assert.Equal("""{"a":[1,2]}""", done.SerializedInput);
        Assert.Equal("""{"a":[1,2]}""", done.SerializedOutput);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_EmptyBody_StartsWithNoInput()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.PostAsync($"{DurableApiHost.Base}/orchestrators/{TestOrchestrations.Echo}", content: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        OrchestrationMetadata done = await host.CompletedAsync((await DurableApiHost.JsonAsync(response)).GetProperty("id").GetString()!);
        Assert.Null(done.SerializedInput);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_IdOfARunningInstance_Returns409()
    {
        using HttpClient http = host.NewTenant(out _);
        string id = "busy-" + Guid.NewGuid().ToString("N");
        await StartAsync(http, TestOrchestrations.Approval, id);

        using HttpResponseMessage response = await Post(http, TestOrchestrations.Approval, id, "null");

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_IdOfAFinishedInstance_StartsItAgain()
    {
        using HttpClient http = host.NewTenant(out _);
        string id = "again-" + Guid.NewGuid().ToString("N");
        await StartAsync(http, TestOrchestrations.Echo, id, "1");
        await host.CompletedAsync(id);

        await StartAsync(http, TestOrchestrations.Echo, id, "2");

        OrchestrationMetadata done = await host.WaitUntilAsync(id, s => s.IsCompleted && s.SerializedOutput == "2");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_IdOfAnotherTenantsFinishedInstance_Returns409AndLeavesItAlone()
    {
        using HttpClient owner = host.NewTenant(out string ownerTenant);
        using HttpClient other = host.NewTenant(out _);
        string id = "mine-" + Guid.NewGuid().ToString("N");
        await StartAsync(owner, TestOrchestrations.Echo, id, "\"original\"");
        await host.CompletedAsync(id);

        using HttpResponseMessage response = await Post(other, TestOrchestrations.Echo, id, "\"hijack\"");

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
        OrchestrationMetadata kept = (await host.Durable.GetInstanceAsync(id, getInputsAndOutputs: true))!;
        Assert.Equal("\"original\"", kept.SerializedOutput);
        Assert.Equal(ownerTenant, kept.Tags!["tenant"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_MalformedJsonBody_Returns400NamingTheBody()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await Post(http, TestOrchestrations.Echo, null, """{"a": """);

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    public static TheoryData<string> InvalidIds => ["a%5Cb", "a%23b", "a%01b", new string('x', 257)];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(InvalidIds))]
    public async Task Start_InvalidInstanceId_Returns400NamingInstanceId(string escapedId)
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await Post(http, TestOrchestrations.Echo, escapedId, "null");

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("instanceId", out _));
    }

    internal sealed record HttpManagementPayloadShape(string Id);

    private static async Task<HttpManagementPayloadShape> StartAsync(HttpClient http, string orchestrator, string id, string json = "null")
    {
        using HttpResponseMessage response = await Post(http, orchestrator, id, json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return new((await DurableApiHost.JsonAsync(response)).GetProperty("id").GetString()!);
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string orchestrator, string? id, string json) =>
        http.PostAsync($"{DurableApiHost.Base}/orchestrators/{orchestrator}" + (id is null ? "" : "/" + id),
            new StringContent(json, Encoding.UTF8, "application/json"));

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await DurableApiHost.JsonAsync(response);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
