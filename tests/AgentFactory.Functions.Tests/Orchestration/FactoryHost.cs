using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Durable;
using AgentFactory.Durable.AzureStorage;
using AgentFactory.Durable.History;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>
/// The app's agent-creation wiring (factory storage, provisioning, sandbox, secret store, the engine with the
/// orchestration registered) over Azurite, with a container runtime of the test's choosing, started for one test.
/// The engine runs in memory unless a task hub name is given (then on Azure Storage, so a second host can take over).
/// Agents' resources are on the factory's account unless an agents' account is given.
/// </summary>
public sealed class FactoryHost : IAsyncDisposable
{
    /// <summary>Upper bound for any one wait in a test: a hang fails the test instead of stalling the run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly TemplateCatalog Catalog = TemplateCatalog.LoadEmbedded();
    private readonly IHost _host;

    private FactoryHost(IHost host, FactoryEnvironment environment, IContainerRuntime runtime, FakeTimeProvider? clock)
    {
        _host = host;
        Environment = environment;
        Runtime = runtime;
        Clock = clock;
    }

    public FactoryEnvironment Environment { get; }

    public IContainerRuntime Runtime { get; }

    public FakeTimeProvider? Clock { get; }

    public IServiceProvider Services => _host.Services;

    public AgentCreationService Service => Services.GetRequiredService<AgentCreationService>();

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public static async Task<FactoryHost> StartAsync(FactoryEnvironment environment, IContainerRuntime runtime, FakeTimeProvider? clock = null,
        string? taskHub = null, Action<AgentCreationOptions>? creation = null, string? agentStorage = null, Action<IServiceCollection>? services = null)
    {
        string agentRuntime = Path.Combine(AppContext.BaseDirectory, "agent-runtime");
        environment.Runtime = runtime;
        IHost host = new HostBuilder()
            .ConfigureLogging(l => l.AddProvider(environment.Logs).SetMinimumLevel(LogLevel.Debug))
            .ConfigureServices(s =>
            {
                if (clock is not null)
                {
                    s.AddSingleton<TimeProvider>(clock);
                }

                s.AddFactoryStorage(environment.Connection, environment.Prefix);
                s.AddProvisioning(environment.Connection, environment.Prefix,
                    agentStorage is null ? null : FactoryStorageAccount.FromConnectionString(agentStorage));
                s.Configure<ProvisioningOptions>(o =>
                {
                    foreach (string arg in new[] { "/usr/bin/dotnet", SandboxOptions.RuntimeMountPath + "/AgentFactory.AgentRuntime.dll", "service", "--config",
                        ProvisioningOptions.ConfigurationPath })
                    {
                        o.AgentCommand.Add(arg);
                    }

                    o.AgentMounts.Add(new ContainerMount(agentRuntime, SandboxOptions.RuntimeMountPath));
                    o.AgentStorageConnection = agentStorage ?? environment.Connection;
                    o.AlertQueueName = environment.AlertQueue;
                });
                s.AddSingleton(runtime);
                s.AddAgentCreation(environment.Connection, environment.Prefix);
                s.Configure<SandboxOptions>(o =>
                {
                    o.LogsContainer = environment.LogsContainer;
                    o.RunTimeout = TimeSpan.FromMinutes(2);
                });
                s.Configure<SecretStoreOptions>(o => o.Key = environment.SecretKey);
                s.Configure<AgentCreationOptions>(o =>
                {
                    o.HealthCheckInterval = TimeSpan.FromMilliseconds(250);
                    o.HealthCheckTimeout = TimeSpan.FromSeconds(60);
                    o.FirstTaskPollInterval = TimeSpan.FromMilliseconds(250);
                    o.FirstTaskTimeout = TimeSpan.FromSeconds(60);
                    o.ActivityMaxAttempts = 2;
                    o.ActivityRetryInterval = TimeSpan.FromSeconds(1);
                    creation?.Invoke(o);
                });
                if (taskHub is null)
                {
                    s.AddInMemoryDurableBackend();
                }
                else
                {
                    s.AddAzureStorageDurableBackend(o =>
                    {
                        o.ConnectionString = environment.Connection;
                        o.TaskHubName = taskHub;
                        o.PartitionCount = 2;
                    });
                }

                s.AddDurableTask(r => r.RegisterAgentCreation());
                services?.Invoke(s);
            })
            .Build();
        await host.StartAsync();
        return new FactoryHost(host, environment, runtime, clock);
    }

    /// <summary>The template's default configuration named <paramref name="name"/>, with a secret and a plain variable.</summary>
    public static AgentConfiguration Configuration(string templateId, string name, string secret) =>
        Catalog.Get(templateId)!.CreateDefaultConfiguration(name) with
        {
            Advanced = new AdvancedSettings
            {
                Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = secret, Secret = true }, new EnvironmentVariable { Name = "MODE", Value = "test" }],
                Dependencies = Catalog.Get(templateId)!.Dependencies,
            },
        };

    /// <summary>A configuration as a request body.</summary>
    public static System.Text.Json.JsonElement Json(AgentConfiguration configuration) =>
        System.Text.Json.JsonSerializer.SerializeToElement(configuration, AgentFactoryJson.Options);

    /// <summary>A payload object, e.g. <c>new { templateId = "tmpl-memory" }</c>.</summary>
    public static System.Text.Json.JsonElement Payload(object value) => System.Text.Json.JsonSerializer.SerializeToElement(value);

    /// <summary>Polls the deployment until <paramref name="condition"/> holds (bounded by <see cref="Timeout"/>).</summary>
    public async Task<DeploymentView> WaitForAsync(string tenantId, string deploymentId, Func<DeploymentView, bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        DeploymentView? last = null;
        while (true)
        {
            last = await Service.GetStatusAsync(tenantId, deploymentId, deadline.Token);
            if (last is not null && condition(last))
            {
                return last;
            }

            try
            {
                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {Timeout}: {what}. Last status: {last?.Creation?.Step.Name} {last?.Creation?.State} "
                    + $"{last?.Creation?.Message} errors [{string.Join("; ", last?.Creation?.ValidationErrors.Select(e => e.Message) ?? [])}] {last?.Creation?.Error}");
            }
        }
    }

    /// <summary>Waits until the deployment waits for input at <paramref name="step"/>.</summary>
    public Task<DeploymentView> WaitForInputAsync(string tenantId, string deploymentId, WizardStep step, Func<AgentCreationStatus, bool>? also = null) =>
        WaitForAsync(tenantId, deploymentId,
            v => v.Creation is { State: CreationStates.WaitingForInput } c && c.Step.Number == (int)step && (also?.Invoke(c) ?? true),
            $"waiting for input at step {(int)step} ({WizardSteps.NameOf(step)})");

    /// <summary>Waits until the creation has ended (any final state) and the orchestration has finished.</summary>
    public Task<DeploymentView> WaitForEndAsync(string tenantId, string deploymentId) =>
        WaitForAsync(tenantId, deploymentId, v => CreationStates.IsFinal(v.Creation?.State) && v.RuntimeStatus is { } s && s.IsTerminal(), "the end of the creation");

    /// <summary>Sends a command and asserts it was accepted.</summary>
    public async Task SubmitAcceptedAsync(string tenantId, string deploymentId, string command, System.Text.Json.JsonElement? payload = null)
    {
        SubmitResult result = await Service.SubmitAsync(tenantId, deploymentId, command, payload);
        Assert.True(result.Outcome == SubmitOutcome.Accepted, $"{command}: {result.Outcome} {result.Reason}");
    }

    /// <summary>
    /// Waits until the wait at the current step has its expiry timer in history (the status says "waiting" one episode
    /// before the timer is created), then moves the fake clock past it.
    /// </summary>
    public async Task ExpireCurrentWaitAsync(string deploymentId, DateTime expiresAt)
    {
        FakeTimeProvider clock = Clock ?? throw new InvalidOperationException("This host runs on the system clock.");
        using var deadline = new CancellationTokenSource(Timeout);
        while (!(await Client.GetInstanceHistoryAsync(deploymentId, deadline.Token)).OfType<TimerCreatedEvent>().Any(t => t.FireAt == expiresAt))
        {
            await Task.Delay(25, deadline.Token);
        }

        clock.Advance(expiresAt - clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1));
    }

    /// <summary>Removes a deployed agent's resources (tests that end with a running agent).</summary>
    public async Task RemoveAgentAsync(string tenantId, string deploymentId, AgentConfiguration configuration)
    {
        ProvisioningPlan plan = Services.GetRequiredService<ProvisioningPlanner>().Plan(tenantId, deploymentId, configuration, Catalog.Get(configuration.TemplateId)!);
        await Services.GetRequiredService<Provisioner>().DeprovisionAsync(plan);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        // Asynchronously: the sandbox endpoint process is an async-only disposable.
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
