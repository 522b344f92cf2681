using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.EndToEnd;

/// <summary>
/// The real app (Program, function keys, Azurite, the durable engine over Azure Storage, the bubblewrap sandbox and
/// provisioning): an automation script creates an agent through HTTP only and watches it to a running agent.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class AgentsApiEndToEndTests(FactoryApp app, ITestOutputHelper output) : IClassFixture<FactoryApp>
{
    private const string Secret = "planted-secret-5f2c9a";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string CreateBody(string templateId, string name)
    {
        AgentConfiguration configuration = TemplateCatalog.LoadEmbedded().Get(templateId)!.CreateDefaultConfiguration(name);
        configuration = configuration with
        {
            Advanced = configuration.Advanced with
            {
                Environment = [.. configuration.Advanced.Environment, new EnvironmentVariable { Name = "PLANTED_SECRET", Value = Secret, Secret = true }],
            },
        };
        return "{\"automation\":true,\"configuration\":" + JsonSerializer.Serialize(configuration, AgentFactoryJson.Options) + "}";
    }

    [Fact(Timeout = 300_000)]
    public async Task PostAgents_Automation_RunsToACompletedDeployment_ThroughHttpOnly()
    {
        string tenant = "tenant-e2e-" + Guid.NewGuid().ToString("N")[..8];
        HttpClient client = await app.WithKeyAsync("automation", tenant);
        HttpClient stranger = await app.WithKeyAsync("automation", "tenant-other");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/platform/factory/agents") { Content = Json(CreateBody("tmpl-blank", "e2e-echo")) };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();

        HttpResponseMessage created = await client.SendAsync(request);
        string createdBody = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        using JsonDocument accepted = JsonDocument.Parse(createdBody);
        string id = accepted.RootElement.GetProperty("deploymentId").GetString()!;
        Assert.Equal($"/api/platform/factory/agents/{id}/status", created.Headers.Location?.OriginalString);
        Assert.StartsWith("http", accepted.RootElement.GetProperty("management").GetProperty("statusQueryGetUri").GetString(), StringComparison.Ordinal);

        string status = "";
        await Eventually.TrueAsync(async () =>
        {
            status = await client.GetStringAsync($"/api/platform/factory/agents/{id}/status");
            using JsonDocument view = JsonDocument.Parse(status);
            return view.RootElement.GetProperty("status").GetString() is "succeeded" or "Succeeded" or "failed" or "Failed";
        }, TimeSpan.FromMinutes(4), "the deployment to finish");
        output.WriteLine($"POST /agents → Succeeded in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(status);
        Assert.Contains("ucceeded", status, StringComparison.Ordinal);

        string events = await client.GetStringAsync($"/api/platform/factory/agents/{id}/events?after=0&max=1000");
        using JsonDocument log = JsonDocument.Parse(events);
        long[] sequences = [.. log.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())];
        Assert.NotEmpty(sequences);
        Assert.Equal(sequences.Order(), sequences);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/platform/factory/agents/{id}/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/platform/factory/agents/{id}/events")).StatusCode);
        HttpResponseMessage late = await client.PostAsync($"/api/platform/factory/agents/{id}/confirm", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        string history = await client.GetStringAsync(
            $"/runtime/webhooks/durabletask/instances/{id}?showHistory=true&showHistoryOutput=true&showInput=true");
        foreach (string text in new[] { createdBody, status, events, history })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        // The agent runs until it is removed: remove its container (queues and tables go with the test's Azurite).
        using JsonDocument final = JsonDocument.Parse(status);
        var runtime = (AgentFactory.Functions.Containers.IContainerRuntime)app.Services.GetService(typeof(AgentFactory.Functions.Containers.IContainerRuntime))!;
        foreach (JsonElement resource in final.RootElement.GetProperty("creation").GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("kind").GetString() == "container"))
        {
            await runtime.DeleteAsync(resource.GetProperty("name").GetString()!);
        }

    }
}
