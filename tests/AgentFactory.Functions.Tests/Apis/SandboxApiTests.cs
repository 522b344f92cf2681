using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Tests.Containers;

namespace AgentFactory.Functions.Tests.Apis;

/// <summary>The sandbox routes over the real bubblewrap runtime (in the sandbox collection: never beside CPU-measuring tests).</summary>
[Collection(SandboxCollection.Name)]
public sealed class SandboxApiTests(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private const string Prefix = "/api/platform/factory/sandbox";

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static string StartBody(string templateId, string name, string? replace = null, string? with = null)
    {
        string configuration = JsonSerializer.Serialize(TemplateCatalog.LoadEmbedded().Get(templateId)!.CreateDefaultConfiguration(name), AgentFactoryJson.Options);
        return "{\"configuration\":" + (replace is null ? configuration : configuration.Replace(replace, with, StringComparison.Ordinal)) + "}";
    }

    [Fact(Timeout = 120_000)]
    public async Task StartExecuteLogsStop_BlankTemplate_SuitePasses_OnlyTheOwnerCanAddressIt()
    {
        HttpClient owner = host.As("tenant-s");
        HttpClient other = host.As("tenant-t");

        HttpResponseMessage started = await owner.PostAsync(Prefix + "/start", JsonBody(StartBody("tmpl-blank", "echo-agent")));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        string sandboxId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("sandboxId").GetString()!;
        string idBody = $$"""{"sandboxId":"{{sandboxId}}"}""";

        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync(Prefix + "/execute", JsonBody(idBody))).StatusCode);

        HttpResponseMessage executed = await owner.PostAsync(Prefix + "/execute", JsonBody(idBody));
        using JsonDocument run = JsonDocument.Parse(await executed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        Assert.Equal("passed", run.RootElement.GetProperty("status").GetString(), ignoreCase: true);
        string testId = run.RootElement.GetProperty("testId").GetString()!;

        const string task = """
            {"id":"hello","description":"echo","covers":["echo"],"input":{"op":"echo","message":"hi"},"expect":[{"path":"$.echo","kind":"equals","value":"hi"}]}
            """;
        HttpResponseMessage custom = await owner.PostAsync(Prefix + "/execute", JsonBody("{\"sandboxId\":\"" + sandboxId + "\",\"task\":" + task + "}"));
        using JsonDocument customRun = JsonDocument.Parse(await custom.Content.ReadAsStringAsync());
        Assert.Equal("hello", Assert.Single(customRun.RootElement.GetProperty("tasks").EnumerateArray()).GetProperty("taskId").GetString());
        Assert.Equal("passed", customRun.RootElement.GetProperty("status").GetString(), ignoreCase: true);

        string logs = $"{Prefix}/logs?sandboxId={sandboxId}&testId={testId}&after=0&max=2";
        using JsonDocument page = JsonDocument.Parse(await owner.GetStringAsync(logs));
        Assert.Equal(2, page.RootElement.GetProperty("lines").GetArrayLength());
        Assert.True(page.RootElement.GetProperty("hasMore").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(logs)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync(Prefix + "/stop", JsonBody(idBody))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync(Prefix + "/stop", JsonBody(idBody))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsync(Prefix + "/execute", JsonBody(idBody))).StatusCode);
        // The run's log outlives the sandbox.
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(logs)).StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Start_InvalidConfiguration_400KeyedByPointerUnderConfiguration()
    {
        HttpResponseMessage response = await host.As("tenant-s").PostAsync(Prefix + "/start",
            JsonBody(StartBody("tmpl-blank", "echo-agent", "\"cpuCores\":0.5", "\"cpuCores\":3")));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("/configuration/resources/cpuCores", out _), body.RootElement.ToString());
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/execute", "{\"sandboxId\":\"sbx-unknown\"}", HttpStatusCode.NotFound)]
    [InlineData("/execute", "[1,2]", HttpStatusCode.NotFound)]
    [InlineData("/start", "{}", HttpStatusCode.BadRequest)]
    [InlineData("/start", "{\"configuration\":", HttpStatusCode.BadRequest)]
    public async Task BadRequests_ProblemDetails_Never500(string route, string body, HttpStatusCode expected)
    {
        HttpResponseMessage response = await host.As("tenant-s").PostAsync(Prefix + route, JsonBody(body));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
