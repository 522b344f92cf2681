extern alias functions;

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Provisioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Bench;

/// <summary>
/// The real app (Program: keys, the factory's routes, the engine on Azure Storage, the bubblewrap sandbox,
/// provisioning) in this process on Kestrel, its storage through the counting proxy; the agents it deploys get the
/// proxy's "agent" endpoints, so their requests are counted apart. Settings are the product's defaults.
/// </summary>
internal sealed class AgentCreationApp : WebApplicationFactory<functions::Program>
{
    public const string Tenant = "bench";
    private readonly string _appStorage;
    private readonly string _agentStorage;

    public AgentCreationApp(string appStorage, string agentStorage)
    {
        _appStorage = appStorage;
        _agentStorage = agentStorage;
        // The app reads no content files; its content root is this output directory (the factory would look for the project folder).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AGENTFACTORY_FUNCTIONS", AppContext.BaseDirectory);
        UseKestrel(0);
    }

    /// <summary>Engine resources start with this (tables {hub}History…, queues {hub}-control-NN…, containers {hub}-…).</summary>
    public string TaskHub { get; } = "bh" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The factory's own tables start with this.</summary>
    public string TablePrefix { get; } = "bp" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Warnings and errors the app logged (printed when there are any).</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    private string Key { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A client of tenant <see cref="Tenant"/>, role automation.</summary>
    public HttpClient NewClient()
    {
        HttpClient client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("AGENTFACTORY_STORAGE", _appStorage);
        builder.UseSetting("AgentFactory:TablePrefix", TablePrefix);
        builder.UseSetting("DurableTask:TaskHub", TaskHub);
        builder.UseSetting("AgentFactory:Secrets:Key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("AgentFactory:Provisioning:AgentStorageConnection", _agentStorage);
        builder.UseSetting("AgentFactory:Auth:Keys:0:Hash", FunctionKeys.Hash(Key));
        builder.UseSetting("AgentFactory:Auth:Keys:0:Tenant", Tenant);
        builder.UseSetting("AgentFactory:Auth:Keys:0:Role", FactoryRoles.Automation);
        builder.UseSetting("AgentFactory:Auth:Keys:0:Name", "bench");
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddProvider(new ProblemLogger(Problems)));
    }

    /// <summary>
    /// Removes a deployed agent as provisioning made it (container, queues, storage, monitoring): it would run, poll its
    /// queue and be health-checked until removed, which the next creation's counts would include.
    /// </summary>
    public async Task RemoveAgentAsync(string deploymentId, string templateId, string agentName)
    {
        AgentTemplate template = TemplateCatalog.LoadEmbedded().Get(templateId)!;
        ProvisioningPlan plan = Services.GetRequiredService<ProvisioningPlanner>().Plan(Tenant, deploymentId, template.CreateDefaultConfiguration(agentName), template);
        await Services.GetRequiredService<Provisioner>().DeprovisionAsync(plan);
    }

    private sealed class ProblemLogger(ConcurrentQueue<string> problems) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                problems.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name}");
            }
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>The routes a portal or a script calls, as the bench uses them.</summary>
internal sealed class AgentsClient(HttpClient client)
{
    private const string Agents = "/api/platform/factory/agents";
    private static readonly TemplateCatalog Catalog = TemplateCatalog.LoadEmbedded();

    public static string Configuration(string templateId, string name) =>
        JsonSerializer.Serialize(Catalog.Get(templateId)!.CreateDefaultConfiguration(name), AgentFactoryJson.Options);

    public static string InvalidConfiguration(string templateId, string name)
    {
        AgentConfiguration valid = Catalog.Get(templateId)!.CreateDefaultConfiguration(name);
        return JsonSerializer.Serialize(valid with { Name = "Not_A_Name" }, AgentFactoryJson.Options);
    }

    public async Task<string> CreateAsync(string body)
    {
        HttpResponseMessage response = await client.PostAsync(Agents, Json(body));
        string text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /agents: {(int)response.StatusCode} {text}");
        }

        using JsonDocument accepted = JsonDocument.Parse(text);
        return accepted.RootElement.GetProperty("deploymentId").GetString()!;
    }

    public async Task<DeploymentView> StatusAsync(string id) =>
        JsonSerializer.Deserialize<DeploymentView>(await client.GetStringAsync($"{Agents}/{id}/status"), AgentFactoryJson.Options)!;

    public async Task MoveAsync(string id, string move, string? body = null)
    {
        HttpResponseMessage response = await client.PostAsync($"{Agents}/{id}/{move}", body is null ? null : Json(body));
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST {move}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Polls the status every <paramref name="interval"/> until <paramref name="condition"/> holds (at most 5 minutes).</summary>
    public async Task<(DeploymentView View, int Polls)> WaitAsync(string id, Func<DeploymentView, bool> condition, TimeSpan interval, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        int polls = 0;
        while (true)
        {
            DeploymentView view = await StatusAsync(id);
            polls++;
            if (condition(view))
            {
                return (view, polls);
            }

            if (CreationStates.IsFinal(view.Creation?.State))
            {
                throw new InvalidOperationException($"{what}: the creation ended {view.Creation!.State}: {view.Creation.Error} {view.Creation.Message}");
            }

            try
            {
                await Task.Delay(interval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within 5 minutes: {what} (last: step {view.Creation?.Step.Name} {view.Creation?.State}).");
            }
        }
    }

    /// <summary>Waiting for input at <paramref name="step"/> with <paramref name="also"/> holding.</summary>
    public static Func<DeploymentView, bool> WaitingAt(WizardStep step, Func<AgentCreationStatus, bool>? also = null) =>
        v => v.Creation is { State: CreationStates.WaitingForInput } c && c.Step.Number == (int)step && (also?.Invoke(c) ?? true);

    public static bool Ended(DeploymentView view) => CreationStates.IsFinal(view.Creation?.State);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
