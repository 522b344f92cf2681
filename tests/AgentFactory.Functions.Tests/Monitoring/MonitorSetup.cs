using System.Net;
using System.Text.Json;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Provisioning;
using AgentFactory.Testing;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Monitoring;

/// <summary>
/// One test's monitoring world on Azurite: a monitoring table and an alert queue of its own (a pass reads every
/// registration of its table, so tests must not share one), deleted with everything provisioned through it.
/// </summary>
internal sealed class MonitorSetup : IAsyncDisposable
{
    private readonly List<ProvisioningPlan> _plans = [];
    private readonly IContainerRuntime _runtime;

    public MonitorSetup(IContainerRuntime runtime, int failureThreshold = 3)
    {
        _runtime = runtime;
        string id = Guid.NewGuid().ToString("N")[..10];
        Table = new MonitoringTable(Storage.Tables, "m" + id);
        AlertQueue = "alerts-" + id;
        Options = new ProvisioningOptions
        {
            AgentCommand = { ProvisioningFixture.AgentCommand[0], ProvisioningFixture.AgentCommand[1], ProvisioningFixture.AgentCommand[2] },
            AlertQueueName = AlertQueue,
            DefaultFailureThreshold = failureThreshold,
        };
        Provisioner = new Provisioner([new QueueStep(Storage), new StorageStep(Storage), new ContainerStep(runtime), new MonitoringStep(Table)]);
    }

    public ProvisioningStorage Storage { get; } = new(AzuriteConnection.ConnectionString);

    public MonitoringTable Table { get; }

    public string AlertQueue { get; }

    public ProvisioningOptions Options { get; }

    public Provisioner Provisioner { get; }

    /// <summary>A monitor over this table, sending through <paramref name="sender"/> or to the queue/webhook as the rule says.</summary>
    public AgentMonitor Monitor(AlertSender? sender = null, HttpMessageHandler? webhook = null, TimeSpan? period = null)
    {
        IOptions<AgentMonitorOptions> options = Microsoft.Extensions.Options.Options.Create(new AgentMonitorOptions { Period = period ?? TimeSpan.FromSeconds(30) });
        sender ??= new AlertSender(Storage.Queues, new HttpClient(webhook ?? new RecordingHandler()), options);
        return new AgentMonitor(Table, _runtime, sender, options, TimeProvider.System, NullLogger<AgentMonitor>.Instance);
    }

    /// <summary>Provisions an agent (deprovisioned at the end) and returns its plan.</summary>
    public async Task<ProvisioningPlan> ProvisionAsync(string templateId = "tmpl-data")
    {
        var planner = new ProvisioningPlanner(Microsoft.Extensions.Options.Options.Create(Options), Storage);
        string tenant = ProvisioningFixture.NewTenant();
        ProvisioningPlan plan = planner.Plan(tenant, "dep-" + tenant[7..], ProvisioningFixture.Configuration(templateId, "watched", "s3cret"),
            ProvisioningFixture.Template(templateId));
        _plans.Add(plan);
        await ProvisioningFixture.ProvisionRunningAsync(Provisioner, plan, _runtime);
        return plan;
    }

    /// <summary>Registers an agent whose container does not exist (every check fails) under <paramref name="rule"/>.</summary>
    public async Task<HealthCheck> RegisterMissingAsync(AlertRule rule)
    {
        string tenant = ProvisioningFixture.NewTenant();
        var check = new HealthCheck(tenant, "ghost", "dep-" + tenant[7..], "ghost-" + Guid.NewGuid().ToString("N")[..10], IdleExitIsHealthy: false);
        await Table.RegisterAsync(check, rule);
        return check;
    }

    /// <summary>The alerts in the queue, oldest first (peeked: left in place).</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertsAsync()
    {
        if (!await Storage.Queues.GetQueueClient(AlertQueue).ExistsAsync())
        {
            return [];
        }

        PeekedMessage[] messages = await Storage.Queues.GetQueueClient(AlertQueue).PeekMessagesAsync(32);
        return [.. messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ProvisioningPlan plan in _plans)
        {
            await Provisioner.DeprovisionAsync(plan);
        }

        await Table.DeleteAsync();
        await Storage.Queues.GetQueueClient(AlertQueue).DeleteIfExistsAsync();
    }
}

/// <summary>A webhook that keeps what it was sent and answers <see cref="Status"/>; nothing leaves the process.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public List<(Uri Uri, string Body)> Requests { get; } = [];

    public HttpStatusCode Status { get; set; } = HttpStatusCode.NoContent;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request.RequestUri!, body));
        }

        return new HttpResponseMessage(Status);
    }
}

/// <summary>An alert sender whose first <paramref name="failures"/> sends fail.</summary>
internal sealed class FlakyAlertSender(AlertSender inner, int failures) : AlertSender(null!, null!, null!)
{
    private int _left = failures;

    public override Task SendAsync(AlertRule rule, AlertMessage alert, CancellationToken cancellationToken = default) =>
        Interlocked.Decrement(ref _left) >= 0
            ? throw new HttpRequestException("injected: the alert destination is down")
            : inner.SendAsync(rule, alert, cancellationToken);
}
