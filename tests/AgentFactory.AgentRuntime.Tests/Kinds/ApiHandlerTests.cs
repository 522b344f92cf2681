using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class ApiHandlerTests(EndpointFixture endpoint) : IClassFixture<EndpointFixture>
{
    private IAgentHandler Api(ApiAuth? auth = null, string? secret = EndpointFixture.Credential, RunMode mode = RunMode.Sandbox, string? baseUrl = null, double rate = 1000, TextWriter? logs = null)
    {
        var configuration = Agents.Default("tmpl-api");
        var settings = (ApiSettings)configuration.Settings with { Auth = auth ?? new ApiAuth { Scheme = ApiAuthScheme.Bearer, SecretName = "API_TOKEN" }, BaseUrl = baseUrl ?? "https://api.example.com/v1", RateLimitPerSecond = rate };
        var environment = new Dictionary<string, string> { [AgentEnvironment.SandboxHttpVariable] = endpoint.Url };
        if (secret is not null)
        {
            environment["API_TOKEN"] = secret;
        }

        return Agents.Handler(Agents.Host(configuration with { Settings = settings }, environment, mode, logs: logs));
    }

    private string Call(string path, string extra = "") => $$"""{"op":"call","baseUrl":"{{endpoint.Url}}","method":"GET","path":"{{path}}"{{extra}}}""";

    [Theory(Timeout = 10_000)]
    [InlineData(ApiAuthScheme.Bearer, "Bearer")]
    [InlineData(ApiAuthScheme.Basic, "Basic")]
    [InlineData(ApiAuthScheme.ApiKey, "ApiKey")]
    public async Task Call_ConfiguredScheme_SendsTheSecretFromTheEnvironment(ApiAuthScheme scheme, string expected)
    {
        await using var api = Api(new ApiAuth { Scheme = scheme, SecretName = "API_TOKEN" });

        var result = await Agents.RunAsync(api, Call("/auth/check"));

        Assert.Equal(200, result.At("$.status").GetInt32());
        Assert.Equal(expected, result.At("$.body.scheme").GetString());
        Assert.True(result.At("$.body.credentialMatches").GetBoolean());
        Assert.DoesNotContain(EndpointFixture.Credential, result.GetRawText(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_SecretVariableMissing_FailsNamingTheVariableNotSendingUnauthenticated()
    {
        await using var api = Api(secret: null);
        var before = endpoint.Endpoint.RequestCount;

        var error = await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(api, Call("/auth/check")));

        Assert.Contains("'API_TOKEN'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, endpoint.Endpoint.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_ServiceModeToAnotherOrigin_WithholdsTheCredential()
    {
        using var logs = new StringWriter();
        await using var api = Api(mode: RunMode.Service, logs: logs);

        var result = await Agents.RunAsync(api, Call("/auth/check"));

        Assert.Equal(401, result.At("$.status").GetInt32());
        Assert.False(result.At("$.body.credentialPresent").GetBoolean());
        Assert.Contains("CredentialWithheld", logs.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_ServiceModeToTheConfiguredApi_SendsTheCredential()
    {
        await using var api = Api(mode: RunMode.Service, baseUrl: endpoint.Url + "/");

        var result = await Agents.RunAsync(api, """{"op":"call","path":"auth/check"}""");

        Assert.True(result.At("$.body.credentialMatches").GetBoolean());
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_PostJson_SendsTheBodyAndReadsTheJsonAnswer()
    {
        await using var api = Api();

        var result = await Agents.RunAsync(api, $$$"""{"op":"call","baseUrl":"{{{endpoint.Url}}}","method":"POST","path":"/echo?x=1","body":{"orderId":"A-1","quantity":3}}""");

        Assert.Equal("POST", result.At("$.body.method").GetString());
        Assert.Equal("1", result.At("$.body.query.x").GetString());
        Assert.Equal(3, result.At("$.body.json.quantity").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_Map_SelectsFieldsOfTheResponseAndNullForMissingOnes()
    {
        await using var api = Api();

        var result = await Agents.RunAsync(api, Call("/json/users/42", ""","map":{"name":"$.name","city":"$.address.city","zip":"$.address.zip"}"""));

        Assert.Equal("Ada Lovelace", result.At("$.mapped.name").GetString());
        Assert.Equal("London", result.At("$.mapped.city").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.At("$.mapped.zip").ValueKind);
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_SlowerThanTheTimeout_ReturnsTimeoutWithoutStatus()
    {
        await using var api = Api();

        var result = await Agents.RunAsync(api, Call("/delay/3000", ""","timeoutSeconds":0.2"""));

        Assert.Equal("timeout", result.At("$.error").GetString());
        Assert.False(result.Has("$.status"));
        Assert.InRange(result.At("$.durationMs").GetInt64(), 150, 2500);
    }

    [Fact(Timeout = 10_000)]
    public async Task Call_NothingListening_ReturnsNetworkError()
    {
        await using var api = Api();

        var result = await Agents.RunAsync(api, """{"op":"call","baseUrl":"http://127.0.0.1:1","path":"/"}""");

        Assert.Equal("network", result.At("$.error").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Burst_AboveTheRate_DelaysTheExcessAndCompletesAll()
    {
        await using var api = Api();

        var result = await Agents.RunAsync(api, $$"""{"op":"burst","baseUrl":"{{endpoint.Url}}","path":"/echo","count":6,"rateLimitPerSecond":4}""");

        // A bucket of 4 tokens at 4/s: four go at once, the fifth and sixth wait 0.25 s and 0.5 s.
        Assert.Equal(6, result.At("$.completed").GetInt32());
        Assert.Equal(2, result.At("$.delayed").GetInt32());
        Assert.InRange(result.At("$.elapsedMs").GetInt64(), 450, 5000);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"op":"call","baseUrl":"ftp://x"}""", "'baseUrl'")]
    [InlineData("""{"op":"call","method":"BREW"}""", "'method'")]
    [InlineData("""{"op":"call","map":{"a":"name"}}""", "'map.a'")]
    [InlineData("""{"op":"burst","count":0}""", "'count'")]
    public async Task Handle_BadInput_ThrowsTaskInputException(string input, string expected)
    {
        await using var api = Api();

        var error = await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(api, input));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
