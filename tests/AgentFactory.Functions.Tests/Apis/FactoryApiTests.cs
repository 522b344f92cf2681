using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;

namespace AgentFactory.Functions.Tests.Apis;

public sealed class FactoryApiTests(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private const string Prefix = "/api/platform/factory";

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static string DefaultConfiguration(string templateId, string name) =>
        JsonSerializer.Serialize(TemplateCatalog.LoadEmbedded().Get(templateId)!.CreateDefaultConfiguration(name), AgentFactoryJson.Options);

    [Fact(Timeout = 30_000)]
    public async Task Templates_List_SixTemplates_FilterByCategoryAndComplexity()
    {
        HttpClient client = host.As("tenant-a");

        using JsonDocument all = JsonDocument.Parse(await client.GetStringAsync(Prefix + "/templates"));
        using JsonDocument memory = JsonDocument.Parse(await client.GetStringAsync(Prefix + "/templates?category=memory"));
        using JsonDocument low = JsonDocument.Parse(await client.GetStringAsync(Prefix + "/templates?complexity=LOW"));

        Assert.Equal(6, all.RootElement.GetArrayLength());
        Assert.Equal("tmpl-memory", Assert.Single(memory.RootElement.EnumerateArray()).GetProperty("id").GetString());
        Assert.All(low.RootElement.EnumerateArray(), t => Assert.Equal("low", t.GetProperty("complexity").GetString()));
        Assert.NotEmpty(low.RootElement.EnumerateArray());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("?category=robots", "category")]
    [InlineData("?category=3", "category")]
    [InlineData("?complexity=extreme", "complexity")]
    public async Task Templates_List_UnknownFilterValue_400NamingTheParameter(string query, string parameter)
    {
        HttpResponseMessage response = await host.As("tenant-a").GetAsync(Prefix + "/templates" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"'{parameter}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Templates_Get_KnownPinnedAndUnknown()
    {
        HttpClient client = host.As("tenant-a");

        using JsonDocument api = JsonDocument.Parse(await client.GetStringAsync(Prefix + "/templates/tmpl-api?version=1"));
        HttpResponseMessage missing = await client.GetAsync(Prefix + "/templates/tmpl-nothing");
        HttpResponseMessage noVersion = await client.GetAsync(Prefix + "/templates/tmpl-api?version=9");

        Assert.Equal(("tmpl-api", 1), (api.RootElement.GetProperty("id").GetString(), api.RootElement.GetProperty("version").GetInt32()));
        Assert.True(api.RootElement.GetProperty("testTasks").GetArrayLength() >= 3);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (missing.StatusCode, noVersion.StatusCode));
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 30_000)]
    public async Task AnyRoute_NoCaller_NotAllowed()
    {
        HttpResponseMessage response = await host.Client.GetAsync(Prefix + "/templates");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Validate_ValidAndBrokenConfigurations_EveryProblemWithPointerCodeAndMessage()
    {
        HttpClient client = host.As("tenant-a");
        string valid = DefaultConfiguration("tmpl-data", "etl-agent");
        string broken = valid.Replace("\"name\":\"etl-agent\"", "\"name\":\"Bad Name!\"", StringComparison.Ordinal)
            .Replace("\"cpuCores\":2", "\"cpuCores\":3", StringComparison.Ordinal);

        using JsonDocument ok = JsonDocument.Parse(await (await client.PostAsync(Prefix + "/validate", JsonBody(valid))).Content.ReadAsStringAsync());
        HttpResponseMessage response = await client.PostAsync(Prefix + "/validate", JsonBody(broken));
        using JsonDocument bad = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.True(ok.RootElement.GetProperty("valid").GetBoolean(), ok.RootElement.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(bad.RootElement.GetProperty("valid").GetBoolean());
        string[] pointers = [.. bad.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("pointer").GetString()!)];
        Assert.Contains("/name", pointers);
        Assert.Contains("/resources/cpuCores", pointers);
        Assert.All(bad.RootElement.GetProperty("problems").EnumerateArray(), p =>
        {
            Assert.False(string.IsNullOrEmpty(p.GetProperty("code").GetString()));
            Assert.False(string.IsNullOrEmpty(p.GetProperty("message").GetString()));
        });
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/validate")]
    [InlineData("/cost-estimate")]
    public async Task Post_MalformedJson_400ProblemDetails(string route)
    {
        HttpResponseMessage response = await host.As("tenant-a").PostAsync(Prefix + route, JsonBody("{\"name\": "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 30_000)]
    public async Task CostEstimate_DefaultOnDemandAgent_BreakdownAndUnderTwoDollars()
    {
        HttpResponseMessage response = await host.As("tenant-a").PostAsync(Prefix + "/cost-estimate?sandboxRuns=2",
            JsonBody(DefaultConfiguration("tmpl-blank", "echo-agent")));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(body.RootElement.GetProperty("monthlyTotalUsd").GetDecimal(), 0.01m, 1.99m);
        Assert.True(body.RootElement.GetProperty("under2UsdPerMonth").GetBoolean());
        Assert.True(body.RootElement.GetProperty("oneOffTotalUsd").GetDecimal() > 0m);
        Assert.True(body.RootElement.GetProperty("estimate").GetProperty("monthlyItems").GetArrayLength() >= 3);
    }

    [Fact(Timeout = 30_000)]
    public async Task CostEstimate_InvalidConfiguration_400ValidationProblemKeyedByPointer()
    {
        string broken = DefaultConfiguration("tmpl-blank", "echo-agent").Replace("\"memoryMb\":512", "\"memoryMb\":777", StringComparison.Ordinal);

        HttpResponseMessage response = await host.As("tenant-a").PostAsync(Prefix + "/cost-estimate", JsonBody(broken));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("/resources/memoryMb", out _), body.RootElement.ToString());
    }
}
