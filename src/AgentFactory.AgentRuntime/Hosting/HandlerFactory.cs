using AgentFactory.AgentRuntime.Kinds.Api;
using AgentFactory.AgentRuntime.Kinds.Blank;
using AgentFactory.AgentRuntime.Kinds.Data;
using AgentFactory.AgentRuntime.Kinds.Memory;
using AgentFactory.AgentRuntime.Kinds.Monitoring;
using AgentFactory.AgentRuntime.Kinds.Orchestration;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// Builds the handler for the agent's kind (its settings' kind). A service builds one for its lifetime; a sandbox one
/// per task, with the task's own memory scope and clock, so test tasks never see each other's state.
/// </summary>
internal static class HandlerFactory
{
    public const string DefaultMemoryTable = "agentmemory";

    public static IAgentHandler Create(AgentHost host, string scope) => host.Configuration.Settings switch
    {
        MemorySettings memory => new MemoryHandler(memory, MemoryStore(host), scope, new SandboxClock(host.Time), host.Mode == RunMode.Sandbox),
        OrchestrationSettings orchestration => new OrchestrationHandler(orchestration, host.Time),
        ApiSettings api => Api(host, api),
        DataSettings data => new DataHandler(data, host.StateDirectory),
        MonitoringSettings monitoring => new MonitoringHandler(
            monitoring, new HealthChecker(host.Http), AlertDeliveries(host, monitoring), host.AgentName, host.Logs.CreateLogger("monitoring"), host.Time),
        CustomSettings => new BlankHandler(host.Configuration),
        _ => throw new InvalidOperationException($"No handler for settings of kind {host.Configuration.Settings?.Category}."),
    };

    /// <summary>A table when the agent has storage (AGENT_STORAGE or AGENT_STORAGE_ACCOUNT), else JSON files in its state directory.</summary>
    public static IMemoryStore MemoryStore(AgentHost host) => host.Environment.StorageAccount is { } storage
        ? new TableMemoryStore(storage.Table(host.Environment.Get(AgentEnvironment.MemoryTableVariable) ?? DefaultMemoryTable))
        : new FileMemoryStore(Path.Combine(host.StateDirectory, "memory"));

    private static ApiHandler Api(AgentHost host, ApiSettings api)
    {
        // The credential may go to the configured API and, in a sandbox, to the sandbox's own test endpoint.
        List<Uri> trusted = [new Uri(api.BaseUrl)];
        if (host.Mode == RunMode.Sandbox && host.Environment.SandboxHttp is { } sandbox)
        {
            trusted.Add(sandbox);
        }

        var secret = api.Auth.SecretName is { } name ? host.Environment.Get(name) : null;
        var credentials = new ApiCredentials(api.Auth, secret, trusted, host.Logs.CreateLogger("api"));
        return new ApiHandler(api, new ApiSender(host.Http, credentials, host.Time), new TokenBucket(api.RateLimitPerSecond, host.Time), host.HasCapability("retry_backoff"), host.Time);
    }

    private static List<IAlertChannel> AlertDeliveries(AgentHost host, MonitoringSettings monitoring)
    {
        // A sandbox records alerts in the result and the log; nothing leaves it.
        if (host.Mode == RunMode.Sandbox)
        {
            return [];
        }

        List<IAlertChannel> channels = [];
        var storage = host.Environment.StorageAccount;
        var alertQueue = host.Environment.Get(AgentEnvironment.AlertQueueVariable);
        switch (monitoring.AlertChannel)
        {
            case { Kind: AlertChannelKind.Webhook, Target: { } url }:
                channels.Add(new WebhookAlertChannel(host.Http, new Uri(url)));
                break;
            case { Kind: AlertChannelKind.Email, Target: var email } when storage is not null:
                channels.Add(new QueueAlertChannel(storage.Queue(alertQueue ?? QueueNames.Derived(host.AgentName, "-alerts")), email));
                return channels; // the queue already carries it
        }

        if (alertQueue is not null && storage is not null)
        {
            channels.Add(new QueueAlertChannel(storage.Queue(alertQueue), null));
        }

        return channels;
    }
}
