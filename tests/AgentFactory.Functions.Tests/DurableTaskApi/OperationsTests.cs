using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class OperationsTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    [Fact(Timeout = 30_000)]
    public async Task RaiseEvent_RunningInstance_Returns202AndDeliversTheJsonData()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage response = await RaiseAsync(http, started.SendEventPostUri, "Approve", "\"ann\"");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        OrchestrationMetadata done = await host.CompletedAsync(started.Id);
        Assert.Equal("approved by ann", done.ReadOutputAs<string>());
    }

    [Fact(Timeout = 30_000)]
    public async Task RaiseEvent_CompletedInstance_Returns410()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await RaiseAsync(http, started.SendEventPostUri, "Approve", "1");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.Gone);
    }

    [Fact(Timeout = 30_000)]
    public async Task RaiseEvent_UnknownInstance_Returns404()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await RaiseAsync(http, $"{DurableApiHost.Base}/instances/nobody/raiseEvent/{{eventName}}", "Approve", "1");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("{\"by\": ", "application/json", "body")]
    [InlineData("\"ann\"", "text/plain", "Content-Type")]
    public async Task RaiseEvent_BadBody_Returns400NamingItAndDeliversNothing(string body, string contentType, string parameter)
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage response = await http.PostAsync(started.SendEventPostUri.Replace("{eventName}", "Approve", StringComparison.Ordinal),
            new StringContent(body, Encoding.UTF8, contentType));

        JsonElement problem = await StartTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
        // Had the refused event been delivered, it would have been the first and decided the output.
        using (await RaiseAsync(http, started.SendEventPostUri, "Approve", "\"zed\""))
        {
        }

        Assert.Equal("approved by zed", (await host.CompletedAsync(started.Id)).ReadOutputAs<string>());
    }

    [Fact(Timeout = 30_000)]
    public async Task Terminate_RunningInstance_Returns202AndTerminatesItWithTheReason()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage response = await http.PostAsync(started.TerminatePostUri.Replace("{text}", "stop it", StringComparison.Ordinal), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        OrchestrationMetadata done = await host.CompletedAsync(started.Id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("stop it", done.ReadOutputAs<string>());
    }

    [Fact(Timeout = 30_000)]
    public async Task Terminate_FinishedInstance_Returns410AndUnknownReturns404()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage finished = await http.PostAsync($"{DurableApiHost.Base}/instances/{started.Id}/terminate", null);
        using HttpResponseMessage unknown = await http.PostAsync($"{DurableApiHost.Base}/instances/nobody/terminate", null);

        await StartTests.AssertProblemAsync(finished, HttpStatusCode.Gone);
        await StartTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task SuspendAndResume_HoldTheEventUntilResumed()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage suspend = await http.PostAsync(started.SuspendPostUri.Replace("{text}", "hold", StringComparison.Ordinal), null);
        await host.WaitUntilAsync(started.Id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        using HttpResponseMessage raise = await RaiseAsync(http, started.SendEventPostUri, "Approve", "\"bob\"");
        await WaitForEventRecordedAsync(started.Id);
        OrchestrationRuntimeStatus whileSuspended = (await host.Durable.GetInstanceAsync(started.Id))!.RuntimeStatus;
        using HttpResponseMessage resume = await http.PostAsync(started.ResumePostUri.Replace("{text}", "go", StringComparison.Ordinal), null);
        OrchestrationMetadata done = await host.CompletedAsync(started.Id);

        Assert.Equal(HttpStatusCode.Accepted, suspend.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, whileSuspended);
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        Assert.Equal("approved by bob", done.ReadOutputAs<string>());
    }

    [Fact(Timeout = 30_000)]
    public async Task SuspendAndResume_FinishedInstance_Return410()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage suspend = await http.PostAsync($"{DurableApiHost.Base}/instances/{started.Id}/suspend", null);
        using HttpResponseMessage resume = await http.PostAsync($"{DurableApiHost.Base}/instances/{started.Id}/resume", null);

        await StartTests.AssertProblemAsync(suspend, HttpStatusCode.Gone);
        await StartTests.AssertProblemAsync(resume, HttpStatusCode.Gone);
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_ByDefault_StartsANewInstanceWithTheSameInputAndTenant()
    {
        using HttpClient http = host.NewTenant(out string tenant);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, new { n = 7 });
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.PostAsync(started.RestartPostUri, null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonElement payload = await DurableApiHost.JsonAsync(response);
        string newId = payload.GetProperty("id").GetString()!;
        Assert.NotEqual(started.Id, newId);
        Assert.Equal(new Uri(payload.GetProperty("statusQueryGetUri").GetString()!), response.Headers.Location);
        OrchestrationMetadata restarted = await host.CompletedAsync(newId);
        Assert.Equal("""{"n":7}""", restarted.SerializedOutput);
        Assert.Equal(tenant, restarted.Tags!["tenant"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_SameIdWhileRunning_Returns409AndWhenFinishedReusesTheId()
    {
        using HttpClient http = host.NewTenant(out _);
        var running = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        var finished = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo, 5);
        await host.RunningAsync(running.Id);
        await host.CompletedAsync(finished.Id);

        using HttpResponseMessage conflict = await http.PostAsync($"{DurableApiHost.Base}/instances/{running.Id}/restart?restartWithNewInstanceId=false", null);
        using HttpResponseMessage reused = await http.PostAsync($"{DurableApiHost.Base}/instances/{finished.Id}/restart?restartWithNewInstanceId=false", null);

        await StartTests.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Accepted, reused.StatusCode);
        Assert.Equal(finished.Id, (await DurableApiHost.JsonAsync(reused)).GetProperty("id").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_UnknownInstance_Returns404()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.PostAsync($"{DurableApiHost.Base}/instances/nobody/restart", null);

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task Rewind_Returns501()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.PostAsync($"{DurableApiHost.Base}/instances/any/rewind?reason=x", null);

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotImplemented);
    }

    private static Task<HttpResponseMessage> RaiseAsync(HttpClient http, string sendEventPostUri, string eventName, string json) =>
        http.PostAsync(sendEventPostUri.Replace("{eventName}", eventName, StringComparison.Ordinal), new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task WaitForEventRecordedAsync(string instanceId)
    {
        using var deadline = new CancellationTokenSource(DurableApiHost.Timeout);
        while (!(await host.Durable.GetInstanceHistoryAsync(instanceId, deadline.Token)).OfType<Durable.History.EventRaisedEvent>().Any())
        {
            await Task.Delay(5, deadline.Token);
        }
    }
}
