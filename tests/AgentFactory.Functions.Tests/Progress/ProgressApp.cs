using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>The real app with the local hub (the default provider), and what the progress tests do to deployments over HTTP.</summary>
public sealed class ProgressApp : FactoryApp
{
    public Uri BaseAddress => CreateClient().BaseAddress!;

    /// <summary>A wizard deployment of tmpl-blank, left waiting at configure: every move after this adds events.</summary>
    public static async Task<string> CreateWizardAsync(HttpClient client)
    {
        HttpResponseMessage created = await client.PostAsync("/api/platform/factory/agents",
            new StringContent("{\"templateId\":\"tmpl-blank\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deploymentId").GetString()!;
        await WaitForInputAsync(client, id);
        return id;
    }

    /// <summary>An invalid configuration: validation fails, the deployment stays at configure (several new events).</summary>
    public static async Task SubmitInvalidAsync(HttpClient client, string id)
    {
        long before = await LastSequenceAsync(client, id);
        string body = JsonSerializer.Serialize(TemplateCatalog.LoadEmbedded().Get("tmpl-blank")!.CreateDefaultConfiguration("Not_A_Name"), AgentFactoryJson.Options);
        HttpResponseMessage response = await client.PostAsync($"/api/platform/factory/agents/{id}/configuration", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () => await LastSequenceAsync(client, id) > before && await WaitingAsync(client, id), TimeSpan.FromSeconds(60),
            "the invalid configuration's events");
    }

    public static async Task CancelAsync(HttpClient client, string id)
    {
        HttpResponseMessage response = await client.PostAsync($"/api/platform/factory/agents/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () =>
        {
            JsonElement status = await client.GetFromJsonAsync<JsonElement>($"/api/platform/factory/agents/{id}/status");
            return status.GetProperty("runtimeStatus").GetString() is "Completed" or "completed";
        }, TimeSpan.FromSeconds(60), "the cancelled deployment to end");
    }

    /// <summary>A ProblemDetails body without its per-request <c>traceId</c>, to compare two refusals.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    public static async Task<long[]> LogAsync(HttpClient client, string id) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/platform/factory/agents/{id}/events?after=0&max=1000"))
            .GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())];

    public static async Task<long> LastSequenceAsync(HttpClient client, string id) => (await LogAsync(client, id)).DefaultIfEmpty(0).Max();

    private static async Task WaitForInputAsync(HttpClient client, string id) =>
        await Eventually.TrueAsync(() => WaitingAsync(client, id), TimeSpan.FromSeconds(60), "the deployment to wait for input");

    private static async Task<bool> WaitingAsync(HttpClient client, string id)
    {
        JsonElement status = await client.GetFromJsonAsync<JsonElement>($"/api/platform/factory/agents/{id}/status");
        return status.TryGetProperty("creation", out JsonElement creation) && creation.ValueKind == JsonValueKind.Object
            && creation.GetProperty("state").GetString() == "waitingForInput"
            && creation.GetProperty("lastEventSequence").GetInt64() == (await LogAsync(client, id)).DefaultIfEmpty(0).Max();
    }
}
