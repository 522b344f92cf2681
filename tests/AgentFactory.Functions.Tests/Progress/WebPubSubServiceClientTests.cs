using System.Collections.Concurrent;
using AgentFactory.Functions.Progress.WebPubSub;
using Azure;
using Azure.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// The Web PubSub REST client against <see cref="WebPubSubStub"/>: paths, <c>api-version</c>, content types and the
/// signed token; the documented errors; 429 and 503 with <c>Retry-After</c>.
/// </summary>
public sealed class WebPubSubServiceClientTests : IAsyncLifetime
{
    private const string AccessKey = WebPubSubStub.AccessKey;
    private WebPubSubStub _stub = null!;

    private ConcurrentQueue<WebPubSubStub.Seen> Seen => _stub.Requests;

    private ConcurrentQueue<Action<HttpResponse>> Script => _stub.Script;

    public async Task InitializeAsync() => _stub = await WebPubSubStub.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    private WebPubSubServiceClient Client(string key = AccessKey)
    {
        var options = new WebPubSubServiceClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxRetries = 3;
        return new WebPubSubServiceClient(new WebPubSubConnectionString(_stub.Endpoint, key), "agentfactory", options);
    }

    [Fact]
    public async Task Sends_PostToTheDocumentedPaths_WithApiVersionContentTypeAndASignedToken()
    {
        WebPubSubServiceClient client = Client();
        Assert.Equal(202, (await client.SendToGroupAsync("deployment-dep 1/x", BinaryData.FromString("{\"sequence\":1}"), ContentType.ApplicationJson)).Status);
        Assert.Equal(202, (await client.SendToUserAsync("user@contoso", BinaryData.FromString("hi"), ContentType.TextPlain)).Status);
        Assert.Equal(202, (await client.SendToAllAsync(BinaryData.FromBytes([1, 2, 3]), ContentType.ApplicationOctetStream, ["c1", "c2"])).Status);

        WebPubSubStub.Seen[] seen = [.. Seen];
        Assert.All(seen, s => Assert.Null(s.Problem));
        Assert.All(seen, s => Assert.Equal("POST", s.Method));
        Assert.Equal("/api/hubs/agentfactory/groups/deployment-dep%201%2Fx/:send", seen[0].Path);
        Assert.Equal("application/json", seen[0].ContentType);
        Assert.Equal("{\"sequence\":1}", seen[0].Body);
        Assert.Equal("/api/hubs/agentfactory/users/user%40contoso/:send", seen[1].Path);
        Assert.Equal("text/plain", seen[1].ContentType);
        Assert.Equal("/api/hubs/agentfactory/:send", seen[2].Path);
        Assert.Equal("application/octet-stream", seen[2].ContentType);
        Assert.Equal("?api-version=2024-01-01&excluded=c1&excluded=c2", seen[2].Query);
    }

    [Fact]
    public async Task AWrongKey_IsRefusedByTheService_AsARequestFailedExceptionWithItsCode()
    {
        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Client("another-key-of-the-same-length-0123456789ABCDEFGH").SendToGroupAsync("g", BinaryData.FromString("{}"), ContentType.ApplicationJson));
        Assert.Equal(401, failed.Status);
        Assert.Equal("Unauthorized", failed.ErrorCode);
        Assert.Contains("Signature", Seen.Single().Problem, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("another-key", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentedErrors_BecomeRequestFailedException_WithoutRetrying()
    {
        Script.Enqueue(r =>
        {
            r.StatusCode = 400;
            r.Headers["x-ms-error-code"] = "InvalidGroupName";
            r.WriteAsJsonAsync(new { code = "InvalidGroupName", message = "The group name is invalid.", target = "group" }).GetAwaiter().GetResult();
        });
        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Client().SendToGroupAsync("g", BinaryData.FromString("{}"), ContentType.ApplicationJson));
        Assert.Equal(400, failed.Status);
        Assert.Equal("InvalidGroupName", failed.ErrorCode);
        Assert.Contains("The group name is invalid.", failed.Message, StringComparison.Ordinal);
        Assert.Single(Seen);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Throttling_And_Unavailable_AreRetried_AfterRetryAfter(int status)
    {
        Script.Enqueue(r =>
        {
            r.StatusCode = status;
            r.Headers.RetryAfter = "1";
        });
        Response response = await Client().SendToGroupAsync("deployment-x", BinaryData.FromString("{}"), ContentType.ApplicationJson);

        Assert.Equal(202, response.Status);
        WebPubSubStub.Seen[] seen = [.. Seen];
        Assert.Equal(2, seen.Length);
        Assert.All(seen, s => Assert.Null(s.Problem));
        Assert.Equal(seen[0].Body, seen[1].Body);
        // The client's own delay is 10 ms: waiting about a second means it honoured the service's Retry-After.
        Assert.True(seen[1].At - seen[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(seen[1].At - seen[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RetriesThatRunOut_FailWithTheLastAnswer()
    {
        for (int i = 0; i < 4; i++)
        {
            Script.Enqueue(r =>
            {
                r.StatusCode = 503;
                r.Headers["x-ms-error-code"] = "ServiceUnavailable";
            });
        }

        RequestFailedException failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Client().SendToGroupAsync("g", BinaryData.FromString("{}"), ContentType.ApplicationJson));
        Assert.Equal(503, failed.Status);
        Assert.Equal("ServiceUnavailable", failed.ErrorCode);
        Assert.Equal(4, Seen.Count);
    }

    [Fact]
    public void ClientAccessUri_CarriesATokenForTheClientAudience_WithRolesAndGroups()
    {
        Uri url = Client().GetClientAccessUri("key:abc", ["webpubsub.joinLeaveGroup.deployment-d1"], ["deployment-d1"], TimeSpan.FromMinutes(60));
        Assert.Equal("ws", url.Scheme);
        Assert.Equal("/client/hubs/agentfactory", url.AbsolutePath);
        string token = Uri.UnescapeDataString(url.Query["?access_token=".Length..]);
        string audience = $"http://{_stub.Endpoint.Authority}/client/hubs/agentfactory";
        ClientTokenClaims claims = WebPubSubToken.Validate(AccessKey, token, audience, DateTimeOffset.UtcNow, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal("key:abc", claims.UserId);
        Assert.Equal(["webpubsub.joinLeaveGroup.deployment-d1"], claims.Roles);
        Assert.Equal(["deployment-d1"], claims.Groups);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        var jwt = new JsonWebToken(token);
        Assert.Equal(audience, Assert.Single(jwt.Audiences));
        Assert.Equal("HS256", jwt.Alg);
        Assert.Contains(jwt.Claims, c => c.Type == "webpubsub.group" && c.Value == "deployment-d1");
    }
}
