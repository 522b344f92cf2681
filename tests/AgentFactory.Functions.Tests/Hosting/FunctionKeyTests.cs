using System.Net;
using AgentFactory.Functions.Hosting;

namespace AgentFactory.Functions.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class FunctionKeyTests(SecuredApp app)
{
    [Fact(Timeout = 30_000)]
    public async Task Health_WithoutKey_IsAnonymous()
    {
        using HttpClient client = app.Anonymous();

        HttpResponseMessage response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("healthy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_WithoutKey_Is401ProblemSayingWhatToSend()
    {
        using HttpClient client = app.Anonymous();

        HttpResponseMessage response = await client.GetAsync("/api/whoami");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(ProblemAuthorizationResultHandler.MissingCallerMessage, problem.Detail());
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_WithWrongKey_Is401ProblemKeyNotValid()
    {
        await app.Keys.CreateAsync("contoso", FactoryRoles.Ops, "test");
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", FunctionKeys.New());

        HttpResponseMessage response = await client.GetAsync("/api/whoami");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(FunctionKeyAuthenticationHandler.InvalidKeyMessage, problem.Detail());
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_WithKeyInHeader_ReturnsTenantAndRole()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal, "fabrikam");

        HttpResponseMessage response = await client.GetAsync("/api/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        WhoAmI me = (await response.ReadAsync<WhoAmI>())!;
        Assert.Equal(("fabrikam", FunctionKeyAuthenticationHandler.SchemeName), (me.Tenant, me.Scheme));
        Assert.Equal([FactoryRoles.Portal], me.Roles);
        Assert.StartsWith("key:", me.Id, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_WithKeyInCodeQuery_Succeeds_WrongCode_Is401()
    {
        string key = await app.Keys.CreateAsync("northwind", FactoryRoles.Automation, "test");
        using HttpClient client = app.Anonymous();

        HttpResponseMessage right = await client.GetAsync("/api/whoami?code=" + Uri.EscapeDataString(key));
        HttpResponseMessage wrong = await client.GetAsync("/api/whoami?code=" + Uri.EscapeDataString(key + "x"));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("northwind", (await right.ReadAsync<WhoAmI>())!.Tenant);
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_KeyInHeaderAndQuery_HeaderWins()
    {
        string header = await app.Keys.CreateAsync("header-tenant", FactoryRoles.Portal, "test");
        string query = await app.Keys.CreateAsync("query-tenant", FactoryRoles.Portal, "test");
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", header);

        WhoAmI me = (await (await client.GetAsync("/api/whoami?code=" + query)).ReadAsync<WhoAmI>())!;

        Assert.Equal("header-tenant", me.Tenant);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_KeyFromConfigurationByHash_SignsInAsPlatformOps()
    {
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", SecuredApp.ConfiguredOpsKey);

        HttpResponseMessage response = await client.GetAsync("/api/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        WhoAmI me = (await response.ReadAsync<WhoAmI>())!;
        Assert.Equal((FactoryClaims.PlatformTenant, FactoryRoles.Ops), (me.Tenant, me.Roles.Single()));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(FactoryRoles.Portal)]
    [InlineData(FactoryRoles.Automation)]
    public async Task OpsEndpoint_WithOtherRole_Is403ProblemNamingTheRoles(string role)
    {
        using HttpClient client = await app.WithKeyAsync(role);

        HttpResponseMessage response = await client.GetAsync("/api/test/ops");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal($"This needs role ops; the caller has role {role}.", problem.Detail());
    }

    [Fact(Timeout = 30_000)]
    public async Task OpsEndpoint_WithOpsKey_Succeeds()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Ops);

        Assert.Equal("ops", await client.GetStringAsync("/api/test/ops"));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(FactoryRoles.Portal, HttpStatusCode.Forbidden)]
    [InlineData(FactoryRoles.Automation, HttpStatusCode.OK)]
    [InlineData(FactoryRoles.Ops, HttpStatusCode.OK)]
    public async Task AutomationEndpoint_ByRole_AutomationOrOpsOnly(string role, HttpStatusCode expected)
    {
        using HttpClient client = await app.WithKeyAsync(role);

        HttpResponseMessage response = await client.GetAsync("/api/test/automation");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task EndpointWithoutPolicy_WithoutKey_Is401_WithAnyRole_Succeeds()
    {
        using HttpClient anonymous = app.Anonymous();
        using HttpClient portal = await app.WithKeyAsync(FactoryRoles.Portal);

        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/test/any"), HttpStatusCode.Unauthorized);
        Assert.Equal("any", await portal.GetStringAsync("/api/test/any"));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_NewKey_TableHoldsOnlyItsHash()
    {
        string key = await app.Keys.CreateAsync("contoso", FactoryRoles.Automation, "stored");

        string hash = FunctionKeys.Hash(key);
        Assert.Equal(app.TablePrefix + "ApiKeys", app.KeyTable.Table.Name);
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (Azure.Data.Tables.TableEntity row in app.KeyTable.Table.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            rows.Add(row);
        }

        Azure.Data.Tables.TableEntity stored = Assert.Single(rows, r => r.RowKey == hash);
        Assert.Equal((hash[..2], "contoso", FactoryRoles.Automation), (stored.PartitionKey, stored.GetString("Tenant"), stored.GetString("Role")));
        Assert.DoesNotContain(rows.SelectMany(r => r.Select(p => $"{r.PartitionKey} {r.RowKey} {p.Key}={p.Value}")),
            text => text.Contains(key, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Requests_WithKeyInQueryAndHeader_KeyNeverInLogs()
    {
        string key = await app.Keys.CreateAsync("contoso", FactoryRoles.Portal, "logged?");
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", key);

        await client.GetAsync("/api/whoami?code=" + key);
        await client.GetAsync("/api/test/ops?code=" + key);
        await client.GetAsync("/api/nothing-here?code=" + key);

        string[] lines = [.. app.Logs];
        Assert.Contains(lines, l => l.Contains("/api/whoami", StringComparison.Ordinal));   // the requests were logged about...
        Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));      // ...but never with the key
    }

    [Fact]
    public void Start_InProductionWithoutSetting_PrintsNoDevelopmentKey()
    {
        Assert.Equal("", app.Console.ToString());
    }
}
