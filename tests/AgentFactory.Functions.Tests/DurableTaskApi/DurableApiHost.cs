using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Apis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

/// <summary>
/// The management API on a TestServer over the real engine (in-memory backend), behind a header-driven test
/// authentication with the three policies the hosting layer registers. One per test class; tests keep apart by
/// tenant and instance id.
/// </summary>
public sealed class DurableApiHost : IAsyncLifetime
{
    /// <summary>Upper bound for any wait in a test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public const string Base = "/runtime/webhooks/durabletask";

    private WebApplication? _app;

    public DurableTaskClient Durable => App.Services.GetRequiredService<DurableTaskClient>();

    public IServiceProvider Services => App.Services;

    private WebApplication App => _app ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddInMemoryDurableBackend();
        builder.Services.AddDurableTask(TestOrchestrations.Register, o =>
        {
            o.MaxConcurrentOrchestrations = 2;
            o.MaxConcurrentActivities = 4;
        });
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("Factory", p => p.RequireRole("factory", "automation", "ops"));
            o.AddPolicy("Automation", p => p.RequireRole("automation", "ops"));
            o.AddPolicy("Ops", p => p.RequireRole("ops"));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddDurableTaskApi();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapDurableTaskApi();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A client calling as <paramref name="role"/> of <paramref name="tenant"/>; a null role is anonymous, a null tenant has no claim.</summary>
    public HttpClient Client(string? role, string? tenant)
    {
        HttpClient client = App.GetTestServer().CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthHandler.RoleHeader, role);
        }

        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthHandler.TenantHeader, tenant);
        }

        return client;
    }

    /// <summary>An automation client of a tenant of its own.</summary>
    public HttpClient NewTenant(out string tenant)
    {
        tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        return Client("automation", tenant);
    }

    /// <summary>The platform's ops: sees every tenant.</summary>
    public HttpClient PlatformOps() => Client("ops", "platform");

    /// <summary>Starts <paramref name="orchestrator"/> through the API and returns its management payload.</summary>
    public static async Task<HttpManagementPayload> StartAsync(HttpClient http, string orchestrator, object? input = null, string? instanceId = null)
    {
        string path = $"{Base}/orchestrators/{orchestrator}" + (instanceId is null ? "" : "/" + instanceId);
        using HttpResponseMessage response = await http.PostAsJsonAsync(path, input);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HttpManagementPayload>())!;
    }

    public Task<OrchestrationMetadata> RunningAsync(string instanceId) =>
        Durable.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs: true).WaitAsync(Timeout);

    public Task<OrchestrationMetadata> CompletedAsync(string instanceId) =>
        Durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true).WaitAsync(Timeout);

    /// <summary>Waits (bounded polling) until the instance satisfies <paramref name="condition"/>.</summary>
    public async Task<OrchestrationMetadata> WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            OrchestrationMetadata? instance = await Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
            if (instance is not null && condition(instance))
            {
                return instance;
            }

            await Task.Delay(5, deadline.Token);
        }
    }

    /// <summary>The response body as JSON.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The names of an object's properties, in order.</summary>
    public static string[] Names(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name)];
}
