using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// The real app with <c>Provider=WebPubSub</c> and only an endpoint (no key anywhere), its data plane a
/// <see cref="WebPubSubStub"/> in identity mode. The identity's credential is the one test double: it is handed to the
/// app under the keyed service <see cref="ProgressOptions.Section"/>, with client options trusting the stub's certificate.
/// </summary>
public sealed class WebPubSubIdentityApp : FactoryApp
{
    public const string EntraToken = "entra-token-of-the-app";

    public WebPubSubStub Stub { get; private set; } = null!;

    public RecordingTokenCredential Credential { get; } = new(EntraToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:Progress:Provider", "WebPubSub"),
        new("AgentFactory:Progress:WebPubSub:Endpoint", Stub.Endpoint.AbsoluteUri),
        new("AgentFactory:Progress:WebPubSub:Credential", "managedidentity"),
        new("AgentFactory:Progress:WebPubSub:ClientId", "00000000-0000-0000-0000-0000000000c1"),
        new("AgentFactory:Progress:WebPubSub:Hub", "factoryhub"),
    ];

    public override async Task InitializeAsync()
    {
        Stub = await WebPubSubStub.StartAsync(EntraToken);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stub.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddKeyedSingleton<TokenCredential>(ProgressOptions.Section, Credential);
            services.AddSingleton(Stub.ClientOptions());
        });
    }
}

/// <summary>
/// Signed in with its identity, the app posts a deployment's events with the Entra token, and negotiate hands out
/// the URL with the token the service issued for that deployment's group; when the service will not issue one,
/// negotiate says so (502 refused, 503 unavailable) as ProblemDetails, never 500.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class WebPubSubIdentityAppTests(WebPubSubIdentityApp app) : IClassFixture<WebPubSubIdentityApp>
{
    [Fact(Timeout = 120_000)]
    public async Task EventsArePostedWithTheEntraToken_AndNegotiateGivesTheServicesToken()
    {
        using HttpClient client = await app.WithKeyAsync("portal", "tenant-wpsmi-" + Guid.NewGuid().ToString("N")[..8]);
        string id = await ProgressApp.CreateWizardAsync(client);
        long[] log = await AllPostedAsync(client, id);

        string group = "deployment-" + id;
        Assert.All(app.Stub.Requests.Where(r => r.Path.Contains(group, StringComparison.Ordinal)), r =>
        {
            Assert.Null(r.Problem);
            Assert.Equal("Bearer " + WebPubSubIdentityApp.EntraToken, r.Authorization);
        });
        Assert.All(app.Credential.Scopes, s => Assert.Equal([WebPubSubIdentity.Scope], s));
        Assert.NotEmpty(log);

        JsonElement negotiated = await client.GetFromJsonAsync<JsonElement>($"/api/platform/factory/agents/{id}/negotiate");
        WebPubSubStub.Seen generate = app.Stub.Requests.Last(r => r.Path == "/api/hubs/factoryhub/:generateToken");
        Assert.Null(generate.Problem);
        Assert.Equal("Bearer " + WebPubSubIdentityApp.EntraToken, generate.Authorization);
        Assert.Contains("&minutesToExpire=60", generate.Query, StringComparison.Ordinal);

        var url = new Uri(negotiated.GetProperty("url").GetString()!);
        Assert.Equal($"wss://{app.Stub.Endpoint.Authority}/client/hubs/factoryhub", url.GetLeftPart(UriPartial.Path));
        Assert.Equal(group, negotiated.GetProperty("group").GetString());
        string token = negotiated.GetProperty("token").GetString()!;
        ClientTokenClaims claims = WebPubSubToken.Validate(WebPubSubStub.AccessKey, token, $"https://{app.Stub.Endpoint.Authority}/client/hubs/factoryhub",
            DateTimeOffset.UtcNow, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal(["webpubsub.joinLeaveGroup." + group], claims.Roles);
        Assert.Equal([group], claims.Groups);
        Assert.Equal(System.Web.HttpUtility.ParseQueryString(generate.Query)["userId"], claims.UserId);
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateTokenRefused_Is502_Unavailable_Is503WithRetryAfter_BothProblemDetails()
    {
        using HttpClient client = await app.WithKeyAsync("portal", "tenant-wpsmi-" + Guid.NewGuid().ToString("N")[..8]);
        string id = await ProgressApp.CreateWizardAsync(client);
        await AllPostedAsync(client, id);

        app.Stub.Script.Enqueue(r =>
        {
            r.StatusCode = 403;
            r.Headers["x-ms-error-code"] = "Forbidden";
        });
        HttpResponseMessage refused = await client.GetAsync($"/api/platform/factory/agents/{id}/negotiate");
        JsonElement problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadGateway);
        Assert.Contains("403 Forbidden", problem.Detail(), StringComparison.Ordinal);

        // More 503s than the app's retries (3 in the test's client options): the last answer reaches negotiate.
        for (int i = 0; i < 4; i++)
        {
            app.Stub.Script.Enqueue(r => r.StatusCode = 503);
        }

        HttpResponseMessage unavailable = await client.GetAsync($"/api/platform/factory/agents/{id}/negotiate");
        problem = await ProblemAssert.IsProblemAsync(unavailable, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("503", problem.Detail(), StringComparison.Ordinal);
        Assert.NotNull(unavailable.Headers.RetryAfter);
        Assert.DoesNotContain(app.Logs, l => l.Contains(WebPubSubIdentityApp.EntraToken, StringComparison.Ordinal));

        // The service issues tokens again: so does negotiate.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/platform/factory/agents/{id}/negotiate")).StatusCode);
    }

    // Waits until every event of the deployment's log reached the stub: nothing else is posted while it waits for input.
    private async Task<long[]> AllPostedAsync(HttpClient client, string id)
    {
        long[] log = [];
        string path = $"/api/hubs/factoryhub/groups/deployment-{id}/:send";
        await Eventually.TrueAsync(async () =>
        {
            log = await ProgressApp.LogAsync(client, id);
            int posted = app.Stub.Requests.Count(r => r.Path == path && r.Problem is null);
            return log.Length > 0 && posted >= log.Length;
        }, TimeSpan.FromSeconds(30), "every event posted to the group");
        return log;
    }
}
