using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AgentFactory.Functions.Hosting;
using AgentFactory.Testing;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>The app as scripts/run.sh starts it: a development key created and printed, no Entra configuration.</summary>
public sealed class DevelopmentApp : FactoryApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("AgentFactory:Auth:CreateDevelopmentKey", "true")];
}

/// <summary>The app with a development key kept in configuration, started over a table holding an older development key.</summary>
public sealed class ReusedDevelopmentKeyApp : FactoryApp
{
    public const string ConfiguredKey = "my-own-development-key-kept-in-local-settings";

    public string OldKey { get; } = FunctionKeys.New();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:Auth:CreateDevelopmentKey", "true"),
        new("AgentFactory:Auth:DevelopmentKey", ConfiguredKey),
    ];

    public override async Task InitializeAsync()
    {
        var table = new ApiKeyTable(new TableServiceClient(AzuriteConnection.ConnectionString), TablePrefix);
        await table.SaveAsync(new ApiKeyRecord(FunctionKeys.Hash(OldKey), DevelopmentKey.Tenant, DevelopmentKey.Role, DevelopmentKey.Name, DateTimeOffset.UtcNow));
        Assert.NotNull(await table.FindAsync(FunctionKeys.Hash(OldKey)));
        await base.InitializeAsync();
    }
}

public sealed partial class DevelopmentKeyTests(DevelopmentApp app) : IClassFixture<DevelopmentApp>
{
    [GeneratedRegex(@"^Development key \(tenant 'dev', role 'automation'\): (?<key>[A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [Fact(Timeout = 30_000)]
    public async Task Start_CreateDevelopmentKey_PrintsItOnceWithCurlLine_AndItWorks()
    {
        string printed = app.Console.ToString();
        MatchCollection lines = KeyLine().Matches(printed);
        string key = Assert.Single(lines).Groups["key"].Value;
        Assert.Contains($"curl -H \"x-functions-key: {key}\" {app.ClientOptions.BaseAddress.ToString().TrimEnd('/')}/api/whoami", printed, StringComparison.Ordinal);
        Assert.Contains($"the operations console: {app.ClientOptions.BaseAddress.ToString().TrimEnd('/')}/ops/", printed, StringComparison.Ordinal);
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", key);

        WhoAmI me = (await (await client.GetAsync("/api/whoami")).ReadAsync<WhoAmI>())!;

        Assert.Equal(("dev", FactoryRoles.Automation), (me.Tenant, me.Roles.Single()));
        Assert.NotNull(await app.KeyTable.FindAsync(FunctionKeys.Hash(key)));
        Assert.DoesNotContain(app.Logs, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task BearerToken_EntraNotConfigured_Is401ProblemSayingSo()
    {
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.e30.");

        HttpResponseMessage response = await client.GetAsync("/api/whoami");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("AgentFactory:Auth:Entra is not configured", problem.Detail(), StringComparison.Ordinal);
    }
}

public sealed class ReusedDevelopmentKeyTests(ReusedDevelopmentKeyApp app) : IClassFixture<ReusedDevelopmentKeyApp>
{
    [Fact(Timeout = 30_000)]
    public async Task Start_DevelopmentKeyConfigured_PrintsAndAcceptsIt_OlderDevelopmentKeyRemoved()
    {
        using HttpClient configured = app.Anonymous();
        configured.DefaultRequestHeaders.Add("x-functions-key", ReusedDevelopmentKeyApp.ConfiguredKey);
        using HttpClient old = app.Anonymous();
        old.DefaultRequestHeaders.Add("x-functions-key", app.OldKey);

        Assert.Contains(": " + ReusedDevelopmentKeyApp.ConfiguredKey + "\n", app.Console.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await configured.GetAsync("/api/whoami")).StatusCode);
        await ProblemAssert.IsProblemAsync(await old.GetAsync("/api/whoami"), HttpStatusCode.Unauthorized);
        Assert.Null(await app.KeyTable.FindAsync(FunctionKeys.Hash(app.OldKey)));
    }
}
