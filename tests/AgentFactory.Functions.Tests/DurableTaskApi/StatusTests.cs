using System.Globalization;
using System.Net;
using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class StatusTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    private static readonly string[] StatusFields = ["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime"];

    [Fact(Timeout = 30_000)]
    public async Task Get_Running_Returns202WithLocationRetryAfterAndTheStatusShape()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval, new { requester = "ann" });
        await host.WaitUntilAsync(started.Id, s => s.SerializedCustomStatus is not null);

        using HttpResponseMessage response = await http.GetAsync(started.StatusQueryGetUri);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new Uri(started.StatusQueryGetUri), response.Headers.Location);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal(StatusFields, DurableApiHost.Names(body));
        Assert.Equal(TestOrchestrations.Approval, body.GetProperty("name").GetString());
        Assert.Equal(started.Id, body.GetProperty("instanceId").GetString());
        Assert.Equal("Running", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("ann", body.GetProperty("input").GetProperty("requester").GetString());
        Assert.Equal("waiting", body.GetProperty("customStatus").GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("output").ValueKind);
        AssertSecondsUtc(body.GetProperty("createdTime").GetString()!);
        AssertSecondsUtc(body.GetProperty("lastUpdatedTime").GetString()!);
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_Completed_Returns200WithTheOutputAsAJsonValueAndNoLocation()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Cities, new[] { "Oslo" });
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.GetAsync(started.StatusQueryGetUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal(StatusFields, DurableApiHost.Names(body));
        Assert.Equal("Completed", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("Hello Oslo!", body.GetProperty("output")[0].GetString());
        Assert.Equal("Oslo", body.GetProperty("input")[0].GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_Failed_Returns200ByDefaultAnd500WhenAskedTo()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Failing);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage plain = await http.GetAsync(started.StatusQueryGetUri);
        using HttpResponseMessage asError = await http.GetAsync(started.StatusQueryGetUri + "?returnInternalServerErrorOnFailure=true");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, asError.StatusCode);
        JsonElement body = await DurableApiHost.JsonAsync(asError);
        Assert.Equal("Failed", body.GetProperty("runtimeStatus").GetString());
        Assert.Contains("boom", body.GetProperty("output").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_CheckStatusLinkWithReturnInternalServerErrorOnFailure_Answers500OnceFailed()
    {
        using HttpClient http = host.NewTenant(out _);
        string id = (await DurableApiHost.StartAsync(http, TestOrchestrations.Failing)).Id;
        await host.CompletedAsync(id);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new Microsoft.AspNetCore.Http.HostString("localhost");

        string link = AgentFactory.Functions.Apis.DurableHttpResponses.CreateHttpManagementPayload(context.Request, id, returnInternalServerErrorOnFailure: true).StatusQueryGetUri;
        using HttpResponseMessage response = await http.GetAsync(link);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_Terminated_Returns200WithTheReasonAsOutput()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);
        using (await http.PostAsync(started.TerminatePostUri.Replace("{text}", "no longer needed", StringComparison.Ordinal), null))
        {
        }

        await host.CompletedAsync(started.Id);
        using HttpResponseMessage response = await http.GetAsync(started.StatusQueryGetUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal("Terminated", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("no longer needed", body.GetProperty("output").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_ShowInputFalse_LeavesTheInputNull()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, new { secret = 1 });
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.GetAsync(started.StatusQueryGetUri + "?showInput=false");

        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("input").ValueKind);
        Assert.Equal(1, body.GetProperty("output").GetProperty("secret").GetInt32());
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_UnknownInstance_Returns404Problem()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/no-such-instance");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("a%5Cb")]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    public async Task Get_IdNoInstanceCanHave_Returns404WithoutAskingTheBackend(string escapedId)
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/{escapedId}");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_ShowHistory_GivesDurableFunctionsEventShapesWithoutResults()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Cities, new[] { "Tokyo", "Seattle" });
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/{started.Id}?showHistory=true");

        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal([.. StatusFields, "historyEvents"], DurableApiHost.Names(body));
        JsonElement[] events = [.. body.GetProperty("historyEvents").EnumerateArray()];
        Assert.Equal(["ExecutionStarted", "TaskCompleted", "TaskCompleted", "ExecutionCompleted"],
            events.Select(e => e.GetProperty("EventType").GetString()));
        Assert.Equal(["EventType", "Timestamp", "FunctionName"], DurableApiHost.Names(events[0]));
        Assert.Equal(TestOrchestrations.Cities, events[0].GetProperty("FunctionName").GetString());
        Assert.Equal(["EventType", "Timestamp", "FunctionName", "ScheduledTime"], DurableApiHost.Names(events[1]));
        Assert.Equal("SayHello", events[1].GetProperty("FunctionName").GetString());
        Assert.True(events[1].GetProperty("ScheduledTime").GetDateTime() <= events[1].GetProperty("Timestamp").GetDateTime());
        Assert.Equal(["EventType", "Timestamp", "OrchestrationStatus"], DurableApiHost.Names(events[3]));
        Assert.Equal("Completed", events[3].GetProperty("OrchestrationStatus").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_ShowHistoryOutput_AddsResultsAsJsonValues()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Cities, new[] { "Tokyo", "Seattle" });
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/{started.Id}?showHistory=true&showHistoryOutput=true");

        JsonElement[] events = [.. (await DurableApiHost.JsonAsync(response)).GetProperty("historyEvents").EnumerateArray()];
        Assert.Equal("Hello Tokyo!", events[1].GetProperty("Result").GetString());
        Assert.Equal("Hello Seattle!", events[2].GetProperty("Result").GetString());
        Assert.Equal(JsonValueKind.Array, events[3].GetProperty("Result").ValueKind);
        Assert.Equal("Hello Seattle!", events[3].GetProperty("Result")[1].GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_ShowHistoryOfAFailedInstance_GivesTaskFailedWithFailureDetails()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Failing);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/{started.Id}?showHistory=true");

        JsonElement[] events = [.. (await DurableApiHost.JsonAsync(response)).GetProperty("historyEvents").EnumerateArray()];
        Assert.Equal(["ExecutionStarted", "TaskFailed", "ExecutionCompleted"], events.Select(e => e.GetProperty("EventType").GetString()));
        JsonElement failed = events[1];
        Assert.Equal("Explode", failed.GetProperty("FunctionName").GetString());
        Assert.Equal("boom", failed.GetProperty("Reason").GetString());
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetProperty("FailureDetails").GetProperty("ErrorType").GetString());
        Assert.Equal("Failed", events[2].GetProperty("OrchestrationStatus").GetString());
        Assert.True(events[2].TryGetProperty("FailureDetails", out _));
    }

    [Fact(Timeout = 30_000)]
    public async Task Get_ShowHistoryWhileWaiting_ShowsPendingWorkAndRaisedEvents()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);
        using (await http.PostAsync(started.SuspendPostUri.Replace("{text}", "hold", StringComparison.Ordinal), null))
        {
        }

        await host.WaitUntilAsync(started.Id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);

        using HttpResponseMessage response = await http.GetAsync($"{DurableApiHost.Base}/instances/{started.Id}?showHistory=true");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal("Suspended", body.GetProperty("runtimeStatus").GetString());
        JsonElement suspended = body.GetProperty("historyEvents").EnumerateArray().Single(e => e.GetProperty("EventType").GetString() == "ExecutionSuspended");
        Assert.Equal("hold", suspended.GetProperty("Reason").GetString());
    }

    private static void AssertSecondsUtc(string value) =>
        Assert.True(DateTime.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), value);
}
