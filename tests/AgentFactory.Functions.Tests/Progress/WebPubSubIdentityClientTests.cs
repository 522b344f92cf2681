using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.WebPubSub;
using Azure;
using Azure.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// The Web PubSub client signed in with an identity, against <see cref="WebPubSubStub"/> in identity mode: the Entra
/// token on every REST call (never a key-signed one), clients' tokens from <c>:generateToken</c>, its refusals; and the
/// settings that choose the mode.
/// </summary>
public sealed class WebPubSubIdentityClientTests : IAsyncLifetime
{
    private const string EntraToken = "entra-token-for-the-apps-identity";
    private WebPubSubStub _stub = null!;
    private readonly RecordingTokenCredential _credential = new(EntraToken);

    public async Task InitializeAsync() => _stub = await WebPubSubStub.StartAsync(EntraToken);

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    private WebPubSubServiceClient Client() => new(_stub.Endpoint, _credential, "agentfactory", _stub.ClientOptions());

    [Fact]
    public async Task Sends_CarryTheIdentitysEntraToken_ForTheWebPubSubScope()
    {
        WebPubSubServiceClient client = Client();
        Assert.True(client.UsesIdentity);
        Assert.Equal(202, (await client.SendToGroupAsync("deployment-d1", BinaryData.FromString("{\"sequence\":1}"), ContentType.ApplicationJson)).Status);
        Assert.Equal(202, (await client.SendToUserAsync("user@contoso", BinaryData.FromString("hi"), ContentType.TextPlain)).Status);
        Assert.Equal(202, (await client.SendToAllAsync(BinaryData.FromString("{}"), ContentType.ApplicationJson)).Status);

        WebPubSubStub.Seen[] seen = [.. _stub.Requests];
        Assert.Equal(3, seen.Length);
        Assert.All(seen, s => Assert.Null(s.Problem));
        Assert.All(seen, s => Assert.Equal("Bearer " + EntraToken, s.Authorization));
        Assert.Equal("/api/hubs/agentfactory/groups/deployment-d1/:send", seen[0].Path);
        Assert.NotEmpty(_credential.Scopes);
        Assert.All(_credential.Scopes, s => Assert.Equal(["https://webpubsub.azure.com/.default"], s));
    }

    [Fact]
    public async Task AKeySignedToken_IsRefusedByTheStubInIdentityMode()
    {
        // The stub's check can fail: an HS256 token signed with the (right) key is not the identity's token.
        var keyClient = new WebPubSubServiceClient(new WebPubSubConnectionString(_stub.Endpoint, WebPubSubStub.AccessKey), "agentfactory", _stub.ClientOptions());
        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            keyClient.SendToGroupAsync("g", BinaryData.FromString("{}"), ContentType.ApplicationJson));
        Assert.Equal(401, failed.Status);
        Assert.StartsWith("Bearer eyJ", _stub.Requests.Single().Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAccessUri_ComesFromGenerateToken_WithTheUserRolesGroupsAndLifetime()
    {
        Uri url = await Client().GetClientAccessUriAsync("key:abc", ["webpubsub.joinLeaveGroup.deployment-d1"], ["deployment-d1"], TimeSpan.FromSeconds(3599));

        WebPubSubStub.Seen call = Assert.Single(_stub.Requests);
        Assert.Null(call.Problem);
        Assert.Equal("POST", call.Method);
        Assert.Equal("Bearer " + EntraToken, call.Authorization);
        Assert.Equal("/api/hubs/agentfactory/:generateToken", call.Path);
        Assert.Equal("?api-version=2024-01-01&userId=key%3Aabc&role=webpubsub.joinLeaveGroup.deployment-d1&group=deployment-d1&minutesToExpire=60",
            call.Query);

        Assert.Equal($"wss://{_stub.Endpoint.Authority}/client/hubs/agentfactory", url.GetLeftPart(UriPartial.Path));
        string token = Uri.UnescapeDataString(url.Query["?access_token=".Length..]);
        ClientTokenClaims claims = WebPubSubToken.Validate(WebPubSubStub.AccessKey, token, $"https://{_stub.Endpoint.Authority}/client/hubs/agentfactory",
            DateTimeOffset.UtcNow, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal("key:abc", claims.UserId);
        Assert.Equal(["webpubsub.joinLeaveGroup.deployment-d1"], claims.Roles);
        Assert.Equal(["deployment-d1"], claims.Groups);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Throws<InvalidOperationException>(() => Client().GetClientAccessUri(null, [], [], TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task ARefusedGenerateToken_IsARequestFailedExceptionWithTheServicesCode_NotRetried()
    {
        _stub.Script.Enqueue(r =>
        {
            r.StatusCode = 403;
            r.Headers["x-ms-error-code"] = "Forbidden";
        });
        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Client().GetClientAccessUriAsync(null, [], ["g"], TimeSpan.FromMinutes(60)));
        Assert.Equal(403, failed.Status);
        Assert.Equal("Forbidden", failed.ErrorCode);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task AGenerateTokenAnswerWithoutAToken_IsAnError_NotAUrlWithNoToken()
    {
        _stub.Script.Enqueue(r =>
        {
            r.StatusCode = 200;
            r.ContentType = "application/json";
            r.WriteAsync("{\"nothing\":1}").GetAwaiter().GetResult();
        });
        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Client().GetClientAccessUriAsync(null, [], ["g"], TimeSpan.FromMinutes(60)));
        Assert.Equal("NoToken", failed.ErrorCode);
    }

    [Theory]
    [InlineData(null, null, "AgentFactory:Progress:WebPubSub:Endpoint (the app signs in with its identity) or AgentFactory:Progress:WebPubSub:ConnectionString is required")]
    [InlineData("https://x.webpubsub.azure.com", "Endpoint=https://x.webpubsub.azure.com;AccessKey=k;Version=1.0;", "are both set")]
    [InlineData("x.webpubsub.azure.com", null, "AgentFactory:Progress:WebPubSub:Endpoint must be an absolute https:// URL")]
    [InlineData("http://x.webpubsub.azure.com", null, "AgentFactory:Progress:WebPubSub:Endpoint must be an absolute https:// URL")]
    [InlineData(null, "Endpoint=http://x.webpubsub.azure.com;AuthType=azure.msi;", "ConnectionString needs Endpoint=https://… with an AuthType")]
    [InlineData(null, "Endpoint=https://x.webpubsub.azure.com;AuthType=azure.app;ClientId=c;Version=1.0;", "ConnectionString has an AuthType other than azure.msi")]
    [InlineData(null, "Endpoint=https://x.webpubsub.azure.com;AuthType=azure.msi;AccessKey=k;", "ConnectionString has both AuthType and AccessKey")]
    [InlineData(null, "AuthType=azure.msi;Version=1.0;", "ConnectionString needs Endpoint=")]
    [InlineData(null, "Endpoint=https://x.webpubsub.azure.com;Version=1.0;", "ConnectionString needs AccessKey=")]
    public void Settings_NameTheSettingAndTheRule(string? endpoint, string? connectionString, string expected)
    {
        var options = new ProgressOptions
        {
            Provider = ProgressProvider.WebPubSub,
            WebPubSub = new WebPubSubSettings { Endpoint = endpoint, ConnectionString = connectionString },
        };
        Assert.Contains(expected, options.Problem(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint=https://x.webpubsub.azure.com;AuthType=azure.msi;ClientId=11111111-2222;Version=1.0;", "managedidentity", "11111111-2222")]
    [InlineData("endpoint=https://x.webpubsub.azure.com;authtype=AZURE.MSI;", "managedidentity", null)]
    [InlineData("Endpoint=https://x.webpubsub.azure.com;AuthType=azure;Version=1.0;", "default", null)]
    public void TheIdentityConnectionString_NamesTheCredential(string connectionString, string credential, string? clientId)
    {
        var settings = new WebPubSubSettings { ConnectionString = connectionString };
        Assert.True(settings.TryResolve(out WebPubSubConnectionString? key, out WebPubSubIdentity? identity, out string? problem), problem);
        Assert.Null(key);
        Assert.Equal(new WebPubSubIdentity(new Uri("https://x.webpubsub.azure.com/"), credential, clientId), identity);
    }

    [Fact]
    public void TheEndpointSetting_WithAClientId_IsAUserAssignedIdentity_AndTheKeyFormStaysAsItWas()
    {
        var settings = new WebPubSubSettings { Endpoint = "https://x.webpubsub.azure.com/ignored?q=1", Credential = "managedidentity", ClientId = "c-1" };
        Assert.True(settings.TryResolve(out _, out WebPubSubIdentity? identity, out _));
        Assert.Equal(new WebPubSubIdentity(new Uri("https://x.webpubsub.azure.com/"), "managedidentity", "c-1"), identity);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(identity!.CreateCredential());

        var keyed = new WebPubSubSettings { ConnectionString = "Endpoint=https://x.webpubsub.azure.com;AccessKey=k;Version=1.0;" };
        Assert.True(keyed.TryResolve(out WebPubSubConnectionString? key, out WebPubSubIdentity? none, out _));
        Assert.Null(none);
        Assert.Equal("k", key!.AccessKey);
    }

    [Fact]
    public void TheAppRefusesToStart_NamingTheMissingSetting()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["AgentFactory:Progress:Provider"] = "WebPubSub" }).Build();
        using ServiceProvider services = new ServiceCollection().AddLogging().AddFactoryProgress(configuration).BuildServiceProvider();
        OptionsValidationException failed = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ProgressOptions>>().Value);
        Assert.Contains("AgentFactory:Progress:WebPubSub:Endpoint", failed.Message, StringComparison.Ordinal);
        Assert.Contains("AgentFactory:Progress:WebPubSub:ConnectionString", failed.Message, StringComparison.Ordinal);
    }
}
