using System.Net;
using System.Text;
using AgentFactory.Functions.Hosting;

namespace AgentFactory.Functions.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class BadRequestTests(SecuredApp app)
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact(Timeout = 30_000)]
    public async Task Echo_WellFormedJson_Succeeds()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);

        HttpResponseMessage response = await client.PostAsync("/api/test/echo", Json("""{"name":"a","count":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new EchoRequest("a", 2), await response.ReadAsync<EchoRequest>());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/api/test/echo")]
    [InlineData("/api/test/read-json")]
    public async Task Post_MalformedJson_Is400ProblemNamingWhereItBroke(string path)
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);

        HttpResponseMessage response = await client.PostAsync(path, Json("""{"name":"a","count":}"""));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.Contains("Path: $.count", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Echo_WrongTypeInJson_Is400Problem()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);

        HttpResponseMessage response = await client.PostAsync("/api/test/echo", Json("""{"name":"a","count":"many"}"""));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("$.count", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Echo_NotJsonContentType_Is415Problem()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);

        HttpResponseMessage response = await client.PostAsync("/api/test/echo", new StringContent("name=a", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Echo_BodyOverOneMiB_Is413Problem(bool withContentLength)
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);
        string big = "{\"name\":\"" + new string('x', (int)FactoryHost.MaxRequestBodyBytes) + "\",\"count\":1}";
        using var content = Json(big);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/echo") { Content = content };
        request.Headers.TransferEncodingChunked = !withContentLength;

        HttpResponseMessage response = await client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownRoute_WithKey_Is404Problem_WithoutKey_Is401()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);
        using HttpClient anonymous = app.Anonymous();

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/no/such/route"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/no/such/route"), HttpStatusCode.Unauthorized);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_WrongMethod_Is405Problem()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);

        await ProblemAssert.IsProblemAsync(await client.DeleteAsync("/api/whoami"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact(Timeout = 30_000)]
    public async Task OpenApi_WithKey_DescribesTheApi_WithoutKey_Is401()
    {
        using HttpClient client = await app.WithKeyAsync(FactoryRoles.Portal);
        using HttpClient anonymous = app.Anonymous();

        string document = await client.GetStringAsync("/api/openapi/v1.json");

        Assert.Contains("\"/api/whoami\"", document, StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/openapi/v1.json"), HttpStatusCode.Unauthorized);
    }
}
