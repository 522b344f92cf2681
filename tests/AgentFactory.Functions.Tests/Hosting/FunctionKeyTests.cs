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
        Assert.Contains("x-functions-key", problem.Detail(), StringComparison.Ordinal);
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
    }
}
