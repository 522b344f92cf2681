using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.WebPubSub;

namespace AgentFactory.Functions.Tests.Progress;

public sealed class WebPubSubTokenTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private const string Audience = "https://example.webpubsub.azure.com/client/hubs/agentfactory";
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static string Token(string key = Key, string audience = Audience, TimeSpan? lifetime = null) =>
        WebPubSubToken.ForClient(key, audience, Now, lifetime ?? TimeSpan.FromMinutes(60), "u1", ["webpubsub.joinLeaveGroup.deployment-a"], ["deployment-a"]);

    [Fact]
    public void Validate_AcceptsItsOwnToken_AndRefusesAnotherKeyAudienceOrAnExpiredOne()
    {
        Assert.NotNull(WebPubSubToken.Validate(Key, Token(), Audience + "/", Now.AddMinutes(59), out _));
        Assert.Null(WebPubSubToken.Validate(Key, Token(key: Key + "x"), Audience, Now, out string? badKey));
        Assert.Equal("The access token's signature is not valid.", badKey);
        Assert.Null(WebPubSubToken.Validate(Key, Token(audience: "https://other/client/hubs/agentfactory"), Audience, Now, out string? badAudience));
        Assert.Equal("The access token is for another audience.", badAudience);
        Assert.Null(WebPubSubToken.Validate(Key, Token(lifetime: TimeSpan.FromMinutes(1)), Audience, Now.AddMinutes(3), out string? expired));
        Assert.Equal("The access token has expired.", expired);
        Assert.Null(WebPubSubToken.Validate(Key, "a.b", Audience, Now, out _));
        Assert.Null(WebPubSubToken.Validate(Key, null, Audience, Now, out _));

        // alg "none" with the signature cut off is not a way in.
        string[] parts = Token().Split('.');
        string none = Convert.ToBase64String("{\"alg\":\"none\"}"u8.ToArray()).TrimEnd('=') + "." + parts[1] + ".";
        Assert.Null(WebPubSubToken.Validate(Key, none, Audience, Now, out _));
    }

    [Theory]
    [InlineData("Endpoint=https://x.webpubsub.azure.com;AccessKey=abc;Version=1.0;", "https://x.webpubsub.azure.com/")]
    [InlineData("accesskey=abc; endpoint=http://localhost:8080 ;", "http://localhost:8080/")]
    [InlineData("Endpoint=https://x.webpubsub.azure.com;AccessKey=abc;Port=8443;Version=1.0", "https://x.webpubsub.azure.com:8443/")]
    public void ConnectionString_Parses(string text, string endpoint)
    {
        WebPubSubConnectionString parsed = WebPubSubConnectionString.Parse(text);
        Assert.Equal(endpoint, parsed.Endpoint.AbsoluteUri);
        Assert.Equal("abc", parsed.AccessKey);
        Assert.DoesNotContain("abc", parsed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty.")]
    [InlineData("AccessKey=secret-value", "needs Endpoint=https://….")]
    [InlineData("Endpoint=ftp://x;AccessKey=k", "needs Endpoint=https://….")]
    [InlineData("Endpoint=https://x", "needs AccessKey=….")]
    [InlineData("Endpoint=https://x;AccessKey=k;Version=2.0", "has a Version other than 1.0.")]
    [InlineData("Endpoint=https://x;AccessKey=k;Port=0", "has a Port that is not 1–65535.")]
    [InlineData("Endpoint=https://x;secret-value", "has a part that is not Key=Value.")]
    public void ConnectionString_Refused_WithoutEchoingTheKey(string text, string problem)
    {
        Assert.False(WebPubSubConnectionString.TryParse(text, out _, out string? why));
        Assert.Equal(problem, why);
        Assert.DoesNotContain("secret-value", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_RequireAConnectionString_ForWebPubSub()
    {
        Assert.Null(new ProgressOptions().Problem());
        Assert.NotNull(new ProgressOptions { Provider = ProgressProvider.WebPubSub }.Problem());
        Assert.Null(new ProgressOptions { Provider = ProgressProvider.WebPubSub, WebPubSub = { ConnectionString = "Endpoint=https://x;AccessKey=k" } }.Problem());
        Assert.NotNull(new ProgressOptions { WebPubSub = { Hub = "1bad" } }.Problem());
        Assert.NotNull(new ProgressOptions { Local = { AccessKey = "short" } }.Problem());
    }
}
