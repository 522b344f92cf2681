using System.Globalization;
using System.Net;
using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

public class PurgeTests(DurableApiHost host) : IClassFixture<DurableApiHost>
{
    [Fact(Timeout = 30_000)]
    public async Task Purge_FinishedInstance_Returns200WithInstancesDeletedAndTheInstanceIsGone()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Echo);
        await host.CompletedAsync(started.Id);

        using HttpResponseMessage response = await http.DeleteAsync(started.PurgeHistoryDeleteUri);
        using HttpResponseMessage after = await http.GetAsync(started.StatusQueryGetUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await DurableApiHost.JsonAsync(response);
        Assert.Equal(["instancesDeleted"], DurableApiHost.Names(body));
        Assert.Equal(1, body.GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Null(await host.Durable.GetInstanceAsync(started.Id));
    }

    [Fact(Timeout = 30_000)]
    public async Task Purge_RunningInstance_Returns412AndKeepsIt()
    {
        using HttpClient http = host.NewTenant(out _);
        var started = await DurableApiHost.StartAsync(http, TestOrchestrations.Approval);
        await host.RunningAsync(started.Id);

        using HttpResponseMessage response = await http.DeleteAsync(started.PurgeHistoryDeleteUri);

        await StartTests.AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.NotNull(await host.Durable.GetInstanceAsync(started.Id));
    }

    [Fact(Timeout = 30_000)]
    public async Task Purge_UnknownInstance_Returns404()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.DeleteAsync($"{DurableApiHost.Base}/instances/nobody");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task PurgeByFilter_DeletesTheMatchingFinishedInstancesOnly()
    {
        using HttpClient http = host.NewTenant(out _);
        string completed = (await DurableApiHost.StartAsync(http, TestOrchestrations.Echo)).Id;
        string failed = (await DurableApiHost.StartAsync(http, TestOrchestrations.Failing)).Id;
        string running = (await DurableApiHost.StartAsync(http, TestOrchestrations.Approval)).Id;
        await host.CompletedAsync(completed);
        await host.CompletedAsync(failed);
        await host.RunningAsync(running);
        DateTime from = (await host.Durable.GetInstanceAsync(completed))!.CreatedAt;

        using HttpResponseMessage response = await http.DeleteAsync($"{DurableApiHost.Base}/instances?createdTimeFrom={Iso(from)}&runtimeStatus=Completed,Running");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await DurableApiHost.JsonAsync(response)).GetProperty("instancesDeleted").GetInt32());
        Assert.Null(await host.Durable.GetInstanceAsync(completed));
        Assert.NotNull(await host.Durable.GetInstanceAsync(failed));
        Assert.NotNull(await host.Durable.GetInstanceAsync(running));
    }

    [Fact(Timeout = 30_000)]
    public async Task PurgeByFilter_NothingMatches_Returns404()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.DeleteAsync($"{DurableApiHost.Base}/instances?createdTimeFrom=2001-01-01T00:00:00Z&createdTimeTo=2001-01-02T00:00:00Z");

        await StartTests.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task PurgeByFilter_FromTheFuture_Returns404()
    {
        using HttpClient tenant = host.NewTenant(out _);
        using HttpClient ops = host.PlatformOps();

        using HttpResponseMessage ofTenant = await tenant.DeleteAsync($"{DurableApiHost.Base}/instances?createdTimeFrom=2100-01-01T00:00:00Z");
        using HttpResponseMessage ofOps = await ops.DeleteAsync($"{DurableApiHost.Base}/instances?createdTimeFrom=2100-01-01T00:00:00Z");

        await StartTests.AssertProblemAsync(ofTenant, HttpStatusCode.NotFound);
        await StartTests.AssertProblemAsync(ofOps, HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 30_000)]
    public async Task PurgeByFilter_WithoutCreatedTimeFrom_Returns400NamingIt()
    {
        using HttpClient http = host.NewTenant(out _);

        using HttpResponseMessage response = await http.DeleteAsync($"{DurableApiHost.Base}/instances/");

        JsonElement problem = await StartTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("createdTimeFrom", out _));
    }

    internal static string Iso(DateTime value) => Uri.EscapeDataString(value.ToString("O", CultureInfo.InvariantCulture));
}
