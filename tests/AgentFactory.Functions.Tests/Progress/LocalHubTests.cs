using System.Net;
using System.Text.Json;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Tests.Containers;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// The local hub against the official <c>@azure/web-pubsub-client</c> (tests/node/progress-portal.mjs): a portal
/// negotiates, joins its deployment's group and follows a real deployment of the real app live; its connection is
/// dropped (resumed by the reliable protocol, or reconnected by the plain one), it stops and starts again while
/// events happen — and ends with every event of the log exactly once, in order. Other tenants get nothing.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class LocalHubTests(ProgressApp app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ProgressApp>
{
    [Theory(Timeout = 240_000)]
    [InlineData("reliable")]
    [InlineData("json")]
    public async Task Portal_FollowsADeployment_ThroughDropsAndReconnects_EveryEventOnceInOrder(string protocol)
    {
        string tenant = "tenant-hub-" + Guid.NewGuid().ToString("N")[..8];
        string key = await app.Keys.CreateAsync(tenant, "portal", "test");
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        string id = await ProgressApp.CreateWizardAsync(client);
        await using var portal = new NodePortal(app.BaseAddress, key, id, protocol);

        JsonElement joined = await portal.AskAsync("start", "joined");
        Assert.Equal(await ProgressApp.LastSequenceAsync(client, id), joined.GetProperty("last").GetInt64());

        // Live: the portal hears the configuration's events from the hub, not from the log.
        await ProgressApp.SubmitInvalidAsync(client, id);
        long afterFirst = await ProgressApp.LastSequenceAsync(client, id);
        await portal.WaitForAsync(l => NodePortal.Type(l) == "event" && l.GetProperty("sequence").GetInt64() == afterFirst, "the first live events");
        Assert.All(portal.Events.Where(e => e.GetProperty("sequence").GetInt64() > joined.GetProperty("last").GetInt64()),
            e => Assert.Equal("live", e.GetProperty("source").GetString()));

        // The network drops the connection and stays down while events happen (the reliable client's resumes are held
        // off; the plain one reconnects afresh).
        LocalWebPubSubHub hub = app.Services.GetRequiredService<LocalWebPubSubHub>();
        hub.HoldResumes = true;
        try
        {
            Assert.Equal(1, hub.AbortSockets(ProgressGroups.For(id)));
            await ProgressApp.SubmitInvalidAsync(client, id);
        }
        finally
        {
            hub.HoldResumes = false;
        }

        long afterDrop = await ProgressApp.LastSequenceAsync(client, id);
        await portal.WaitForAsync(l => NodePortal.Type(l) == "event" && l.GetProperty("sequence").GetInt64() == afterDrop, "the events around the drop");
        if (protocol == "reliable")
        {
            // Resumed (awps_connection_id): what the hub queued while the socket was down came through the hub itself.
            Assert.Single(portal.Lines, l => NodePortal.Type(l) == "connected");
            Assert.All(portal.Events.Where(e => e.GetProperty("sequence").GetInt64() > afterFirst),
                e => Assert.Equal("live", e.GetProperty("source").GetString()));
        }

        // The portal goes away (stop) while the deployment moves on, then comes back.
        await portal.AskAsync("stop", "stopped");
        await ProgressApp.SubmitInvalidAsync(client, id);
        await portal.AskAsync("start", "joined");

        await ProgressApp.CancelAsync(client, id);
        long[] log = await ProgressApp.LogAsync(client, id);
        await portal.WaitForAsync(l => NodePortal.Type(l) == "event" && l.GetProperty("sequence").GetInt64() == log[^1], "the last event");

        JsonElement summary = await portal.AskAsync("summary", "summary");
        foreach (JsonElement line in portal.Lines.Where(l => NodePortal.Type(l) != "summary"))
        {
            output.WriteLine(line.GetRawText());
        }

        long[] received = [.. summary.GetProperty("accepted").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())];
        Assert.Equal(log, received);
        Assert.Equal(Enumerable.Range(1, log.Length).Select(i => (long)i), log);
        Assert.True(summary.GetProperty("accepted").EnumerateArray().Count(e => e.GetProperty("source").GetString() == "live") >= 3,
            "events after joining arrive live");
        if (protocol == "reliable")
        {
            // The hub numbers its messages per connection and resends only what was not acknowledged: never one event twice.
            Assert.Empty(summary.GetProperty("liveTwice").EnumerateArray());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task OtherTenants_CannotNegotiate_Join_Send_OrForgeAToken()
    {
        string owner = "tenant-own-" + Guid.NewGuid().ToString("N")[..8];
        string stranger = "tenant-str-" + Guid.NewGuid().ToString("N")[..8];
        using HttpClient ownerClient = await app.WithKeyAsync("portal", owner);
        string strangerKey = await app.Keys.CreateAsync(stranger, "portal", "test");
        using HttpClient strangerClient = app.CreateClient();
        strangerClient.DefaultRequestHeaders.Add("x-functions-key", strangerKey);
        string target = await ProgressApp.CreateWizardAsync(ownerClient);
        string own = await ProgressApp.CreateWizardAsync(strangerClient);

        // Negotiate: another tenant's deployment is refused exactly like one that does not exist.
        HttpResponseMessage foreign = await strangerClient.GetAsync($"/api/platform/factory/agents/{target}/negotiate");
        HttpResponseMessage unknown = await strangerClient.GetAsync("/api/platform/factory/agents/dep-unknown/negotiate");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(await ProgressApp.ProblemAsync(unknown), await ProgressApp.ProblemAsync(foreign));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync($"/api/platform/factory/agents/{target}/negotiate")).StatusCode);
        await using (var intruder = new NodePortal(app.BaseAddress, strangerKey, target))
        {
            JsonElement failed = await intruder.AskAsync("start", "error");
            Assert.Contains(intruder.Lines, l => NodePortal.Type(l) == "negotiateFailed" && l.GetProperty("status").GetInt32() == 404);
            Assert.Contains("404", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // With a token for its own deployment: joining the other's group, or sending anywhere, is forbidden.
        await using var portal = new NodePortal(app.BaseAddress, strangerKey, own);
        await portal.AskAsync("start", "joined");
        JsonElement join = await portal.AskAsync("join " + ProgressGroups.For(target), "joinResult");
        Assert.False(join.GetProperty("ok").GetBoolean());
        Assert.Equal("Forbidden", join.GetProperty("error").GetString());
        JsonElement send = await portal.AskAsync("send " + ProgressGroups.For(own), "sendResult");
        Assert.False(send.GetProperty("ok").GetBoolean());
        Assert.Equal("Forbidden", send.GetProperty("error").GetString());

        // A token for the other's deployment that the hub did not sign is refused at connect.
        string audience = ClientAccess.Audience(app.BaseAddress, ProgressOptions.DefaultHub);
        string forged = WebPubSubToken.ForClient("not-the-hub-key-" + new string('x', 32), audience, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), "mallory",
            ["webpubsub.joinLeaveGroup"], [ProgressGroups.For(target)]);
        JsonElement connect = await portal.AskAsync("connect " + ClientAccess.Url(app.BaseAddress, ProgressOptions.DefaultHub, forged), "connectResult");
        Assert.False(connect.GetProperty("ok").GetBoolean());

        // Nothing of the target's events reached the stranger.
        await ProgressApp.SubmitInvalidAsync(ownerClient, target);
        JsonElement summary = await portal.AskAsync("summary", "summary");
        long[] received = [.. summary.GetProperty("accepted").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())];
        Assert.Equal(await ProgressApp.LogAsync(strangerClient, own), received);
        Assert.DoesNotContain(portal.Lines, l => l.GetRawText().Contains(target, StringComparison.Ordinal) && NodePortal.Type(l) == "event");
    }
}
