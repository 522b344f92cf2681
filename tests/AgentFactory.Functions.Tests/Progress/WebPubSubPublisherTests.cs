using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>The real app with <c>Provider=WebPubSub</c>, its data plane a <see cref="WebPubSubStub"/>.</summary>
public sealed class WebPubSubApp : FactoryApp
{
    public WebPubSubStub Stub { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:Progress:Provider", "WebPubSub"),
        new("AgentFactory:Progress:WebPubSub:ConnectionString", Stub.ConnectionString),
        new("AgentFactory:Progress:WebPubSub:Hub", "factoryhub"),
    ];

    public override async Task InitializeAsync()
    {
        Stub = await WebPubSubStub.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stub.DisposeAsync();
    }
}

/// <summary>
/// With Azure Web PubSub configured, a real deployment's events reach the service's group <c>deployment-{id}</c> in
/// order, each after it is in the log, as signed REST calls; negotiate hands out the service's client URL with a token
/// for that group only; the local hub is not served.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class WebPubSubPublisherTests(WebPubSubApp app) : IClassFixture<WebPubSubApp>
{
    [Fact(Timeout = 120_000)]
    public async Task ADeploymentsEvents_ArePostedToItsGroup_InOrder_AndNegotiateGivesTheServicesUrl()
    {
        using HttpClient client = await app.WithKeyAsync("portal", "tenant-wps-" + Guid.NewGuid().ToString("N")[..8]);
        string id = await ProgressApp.CreateWizardAsync(client);
        await ProgressApp.SubmitInvalidAsync(client, id);
        long[] log = await ProgressApp.LogAsync(client, id);

        string path = $"/api/hubs/factoryhub/groups/deployment-{id}/:send";
        long[] posted = [];
        await Eventually.TrueAsync(() =>
        {
            posted = [.. app.Stub.Requests.Where(r => r.Path == path).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("sequence").GetInt64())];
            return Task.FromResult(posted.Length >= log.Length);
        }, TimeSpan.FromSeconds(30), "every event posted to the group");
        Assert.Equal(log, posted.Distinct());
        Assert.Equal(log, posted.Distinct().Order());
        Assert.All(app.Stub.Requests.Where(r => r.Path == path), r =>
        {
            Assert.Null(r.Problem);
            Assert.Equal("application/json", r.ContentType);
        });

        JsonElement negotiated = await client.GetFromJsonAsync<JsonElement>($"/api/platform/factory/agents/{id}/negotiate");
        var url = new Uri(negotiated.GetProperty("url").GetString()!);
        Assert.Equal($"ws://{app.Stub.Endpoint.Authority}/client/hubs/factoryhub", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("deployment-" + id, negotiated.GetProperty("group").GetString());
        ClientTokenClaims claims = WebPubSubToken.Validate(WebPubSubStub.AccessKey, negotiated.GetProperty("token").GetString(),
            $"http://{app.Stub.Endpoint.Authority}/client/hubs/factoryhub", DateTimeOffset.UtcNow, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal(["webpubsub.joinLeaveGroup.deployment-" + id], claims.Roles);
        Assert.Equal(["deployment-" + id], claims.Groups);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/client/hubs/factoryhub")).StatusCode);
    }
}
