using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers;
using AgentFactory.Functions.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Cleanup;

/// <summary>
/// Terminate through the management API and DELETE /agents/{id}, through HTTP on the real app (function keys, Azurite,
/// the engine over Azure Storage, bubblewrap): both leave no resource behind and say what they cleaned up.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class CleanupApiTests(FactoryApp app, ITestOutputHelper output) : IClassFixture<FactoryApp>
{
    private const string Secret = "planted-cleanup-7d1e";
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    private IContainerRuntime Runtime => app.Services.GetRequiredService<IContainerRuntime>();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string CreateBody(string name, bool automation)
    {
        AgentConfiguration configuration = TemplateCatalog.LoadEmbedded().Get("tmpl-blank")!.CreateDefaultConfiguration(name);
        configuration = configuration with
        {
            Advanced = configuration.Advanced with
            {
                Environment = [.. configuration.Advanced.Environment, new EnvironmentVariable { Name = "PLANTED_SECRET", Value = Secret, Secret = true }],
            },
        };
        return $"{{\"automation\":{(automation ? "true" : "false")},\"configuration\":" + JsonSerializer.Serialize(configuration, AgentFactoryJson.Options) + "}";
    }

    private static async Task<string> CreateAsync(HttpClient client, string name, bool automation)
    {
        HttpResponseMessage created = await client.PostAsync("/api/platform/factory/agents", Json(CreateBody(name, automation)));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("deploymentId").GetString()!;
    }

    private static async Task<JsonElement> StatusAsync(HttpClient client, string id)
    {
        using JsonDocument view = JsonDocument.Parse(await client.GetStringAsync($"/api/platform/factory/agents/{id}/status"));
        return view.RootElement.Clone();
    }

    private static async Task<JsonElement> UntilAsync(HttpClient client, string id, Func<JsonElement, bool> condition, string what)
    {
        JsonElement last = default;
        await Eventually.TrueAsync(async () => condition(last = await StatusAsync(client, id)), Wait, what);
        return last;
    }

    private static bool WaitingAt(JsonElement view, int step) =>
        view.TryGetProperty("creation", out JsonElement c) && c.ValueKind == JsonValueKind.Object
        && c.GetProperty("state").GetString() == CreationStates.WaitingForInput && c.GetProperty("step").GetProperty("number").GetInt32() == step;

    private static bool CleanupCompleted(JsonElement view) =>
        view.TryGetProperty("cleanup", out JsonElement c) && c.ValueKind == JsonValueKind.Object && c.GetProperty("state").GetString() == "completed";

    private static async Task<string[]> EventTypesAsync(HttpClient client, string id)
    {
        using JsonDocument log = JsonDocument.Parse(await client.GetStringAsync($"/api/platform/factory/agents/{id}/events?after=0&max=1000"));
        JsonElement[] events = [.. log.RootElement.GetProperty("events").EnumerateArray()];
        Assert.Equal(Enumerable.Range(1, events.Length).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
        return [.. events.Select(e => e.GetProperty("type").GetString()!)];
    }

    [Fact(Timeout = 300_000)]
    public async Task Terminate_AfterProvisioning_CleansUpEverything_AndPurgeDoesNotLoseIt()
    {
        string tenant = "tenant-term-" + Guid.NewGuid().ToString("N")[..8];
        string name = "term-" + Guid.NewGuid().ToString("N")[..8];
        HttpClient client = await app.WithKeyAsync("automation", tenant);
        string id = await CreateAsync(client, name, automation: false);
        await UntilAsync(client, id, v => WaitingAt(v, 4), "waiting for approval");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/platform/factory/agents/{id}/approve", null)).StatusCode);
        await UntilAsync(client, id, v => WaitingAt(v, 5), "waiting for confirmation");

        // Step 5: everything is provisioned, and the agent's container is prepared but not running.
        AgentResources before = await AgentResources.ListAsync(app.TablePrefix, tenant, name, Runtime);
        Assert.Equal((2, 1, 2), (before.Queues.Length, before.BlobContainers.Length, before.MonitoringRows.Length));
        Assert.Equal(ContainerState.Created, before.Container?.State);

        HttpResponseMessage terminated = await client.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/terminate?reason=ops-stop", null);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        string instance = "";
        await Eventually.TrueAsync(async () =>
        {
            instance = await client.GetStringAsync($"/runtime/webhooks/durabletask/instances/{id}");
            return instance.Contains("\"runtimeStatus\":\"Terminated\"", StringComparison.Ordinal);
        }, Wait, "runtimeStatus Terminated");
        Assert.Contains("\"output\":\"ops-stop\"", instance, StringComparison.Ordinal);
        // Purging the terminated instance right away loses nothing: the clean-up is an instance of its own.
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/runtime/webhooks/durabletask/instances/{id}")).StatusCode);

        JsonElement done = await UntilAsync(client, id, CleanupCompleted, "the clean-up to complete");
        output.WriteLine(done.ToString());
        Assert.Equal("terminated", done.GetProperty("status").GetString());
        JsonElement cleanup = done.GetProperty("cleanup");
        Assert.Equal("terminate", cleanup.GetProperty("kind").GetString());
        Assert.Equal("ops-stop", cleanup.GetProperty("reason").GetString());
        Assert.Equal(["healthCheck", "alertRule", "container", "blobContainer", "queue", "queue", "agentName", "secrets"],
            cleanup.GetProperty("cleanedUp").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        Assert.Empty(cleanup.GetProperty("notCleanedUp").EnumerateArray());
        Assert.Contains($"container {AgentResourceNames.For(tenant, name).Container}", cleanup.GetProperty("message").GetString(), StringComparison.Ordinal);

        AgentResources after = await AgentResources.ListAsync(app.TablePrefix, tenant, name, Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Null(await app.Services.GetRequiredService<AgentNameTable>().GetAsync(tenant, name));
        string[] types = await EventTypesAsync(client, id);
        Assert.Equal([DeploymentEventTypes.CleanupStarted, DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.ResourceDeprovisioned,
            DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.ResourceDeprovisioned, DeploymentEventTypes.Released, DeploymentEventTypes.CleanedUp],
            types.SkipWhile(t => t != DeploymentEventTypes.CleanupStarted));
        Assert.DoesNotContain(Secret, done.ToString(), StringComparison.Ordinal);

        // Terminated: the wizard takes no more moves, and there is no agent to delete.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/platform/factory/agents/{id}/confirm", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"/api/platform/factory/agents/{id}")).StatusCode);
    }

    [Fact(Timeout = 400_000)]
    public async Task Delete_DeployedAgent_RemovesEverything_IsIdempotent_AndRefusesWizardsAndStrangers()
    {
        string tenant = "tenant-del-" + Guid.NewGuid().ToString("N")[..8];
        string name = "del-" + Guid.NewGuid().ToString("N")[..8];
        HttpClient client = await app.WithKeyAsync("portal", tenant);
        HttpClient stranger = await app.WithKeyAsync("portal", "tenant-other-" + Guid.NewGuid().ToString("N")[..6]);

        // Still in the wizard: 409, cancel instead.
        string wizard = await CreateAsync(client, "wiz-" + Guid.NewGuid().ToString("N")[..8], automation: false);
        await UntilAsync(client, wizard, v => WaitingAt(v, 4), "the wizard waiting for approval");
        HttpResponseMessage refused = await client.DeleteAsync($"/api/platform/factory/agents/{wizard}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cancel", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/platform/factory/agents/{wizard}/cancel", null)).StatusCode);

        string id = await CreateAsync(client, name, automation: true);
        await UntilAsync(client, id, v => v.GetProperty("status").GetString() is "succeeded" or "failed", "the agent to be deployed");
        AgentResources deployed = await AgentResources.ListAsync(app.TablePrefix, tenant, name, Runtime);
        Assert.Equal(ContainerState.Running, deployed.Container?.State);
        Assert.Equal(2, deployed.Queues.Length);

        // Unknown and another tenant's ids look the same.
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/platform/factory/agents/dep-unknown")).StatusCode);
        HttpResponseMessage foreign = await stranger.DeleteAsync($"/api/platform/factory/agents/{id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(ContainerState.Running, (await AgentResources.ListAsync(app.TablePrefix, tenant, name, Runtime)).Container?.State);

        HttpResponseMessage deleted = await client.DeleteAsync($"/api/platform/factory/agents/{id}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Equal($"/api/platform/factory/agents/{id}/status", deleted.Headers.Location?.OriginalString);
        JsonElement done = await UntilAsync(client, id, CleanupCompleted, "the deletion to complete");
        output.WriteLine(done.ToString());
        Assert.Equal("deleted", done.GetProperty("status").GetString());
        Assert.Equal(["healthCheck", "alertRule", "container", "blobContainer", "queue", "queue", "agentName", "secrets"],
            done.GetProperty("cleanup").GetProperty("cleanedUp").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        AgentResources after = await AgentResources.ListAsync(app.TablePrefix, tenant, name, Runtime);
        Assert.True(after.Nothing, after.ToString());
        Assert.Null(await app.Services.GetRequiredService<AgentNameTable>().GetAsync(tenant, name));
        string[] types = await EventTypesAsync(client, id);
        Assert.Equal(DeploymentEventTypes.Completed, types.TakeWhile(t => t != DeploymentEventTypes.CleanupStarted).Last());
        Assert.Equal(DeploymentEventTypes.CleanedUp, types[^1]);

        // The agent's container time was metered until it was removed, and stays in /stats after the deletion.
        using (JsonDocument stats = JsonDocument.Parse(await client.GetStringAsync("/api/platform/factory/stats")))
        {
            JsonElement usage = stats.RootElement.GetProperty("metered").GetProperty("byDeployment").EnumerateArray()
                .Single(d => d.GetProperty("deploymentId").GetString() == id);
            output.WriteLine(usage.ToString());
            Assert.False(usage.GetProperty("running").GetBoolean());
            Assert.True(usage.GetProperty("runningSeconds").GetDouble() > 0);
            Assert.True(usage.GetProperty("meteredUsd").GetDecimal() > 0);
            Assert.Equal("Deleted", usage.GetProperty("status").GetString());
        }

        // Twice: the same deletion, the same final state, nothing more in the log.
        HttpResponseMessage again = await client.DeleteAsync($"/api/platform/factory/agents/{id}");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        JsonElement still = await StatusAsync(client, id);
        Assert.Equal("deleted", still.GetProperty("status").GetString());
        Assert.Equal(done.GetProperty("cleanup").ToString(), still.GetProperty("cleanup").ToString());
        Assert.Equal(types.Length, (await EventTypesAsync(client, id)).Length);
        // The name is free again.
        Assert.Null(await app.Services.GetRequiredService<AgentNameTable>().GetAsync(tenant, name));
    }
}
