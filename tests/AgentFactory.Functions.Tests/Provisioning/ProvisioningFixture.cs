using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Testing;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>
/// Provisioning on Azurite: clients with a request counter, a monitoring table and an alert queue of this test
/// class's own (deleted at the end), and helpers that list what exists of an agent's resources.
/// </summary>
public sealed class ProvisioningFixture : IAsyncLifetime
{
    private static readonly TemplateCatalog Catalog = TemplateCatalog.LoadEmbedded();
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public ProvisioningFixture()
    {
        Monitoring = new MonitoringTable(Storage.Tables, "p" + _id);
        AlertQueue = "alerts-" + _id;
    }

    /// <summary>
    /// The argv of every test agent: says it runs by making /work/started, runs until a "stop" file appears in its
    /// work directory, then exits 3.
    /// </summary>
    public static readonly string[] AgentCommand = ["/bin/sh", "-c", ": > /work/started; while [ ! -f /work/stop ]; do sleep 0.2; done; exit 3"];

    /// <summary>
    /// Provisions <paramref name="plan"/> and waits until the agent's command really runs. The local runtime's
    /// StartAsync returns before the sandbox has joined its cgroup, and a delete in that window kills nothing and
    /// then waits for an exit that never comes; tests that remove right after provisioning wait it out here.
    /// </summary>
    public static async Task<ProvisioningResult> ProvisionRunningAsync(Provisioner provisioner, ProvisioningPlan plan, IContainerRuntime runtime)
    {
        ProvisioningResult result = await provisioner.ProvisionAsync(plan);
        string started = Path.Combine((await runtime.GetAsync(plan.Names.Container))!.WorkDirectory, "started");
        await Containers.Eventually.TrueAsync(() => Task.FromResult(File.Exists(started)), TimeSpan.FromSeconds(20), "the agent command runs");
        return result;
    }

    public ProvisioningStorage Storage { get; } = new(AzuriteConnection.ConnectionString);

    public MonitoringTable Monitoring { get; }

    public string AlertQueue { get; }

    public static AgentTemplate Template(string id) => Catalog.Get(id)!;

    /// <summary>A fresh tenant, so that no two tests ever share a resource name.</summary>
    public static string NewTenant() => "tenant-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The template's default configuration under <paramref name="name"/>, with a secret and a plain variable.</summary>
    public static AgentConfiguration Configuration(string templateId, string name, string secret) => Template(templateId).CreateDefaultConfiguration(name) with
    {
        Advanced = new AdvancedSettings
        {
            Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = secret, Secret = true }, new EnvironmentVariable { Name = "MODE", Value = "test" }],
            Dependencies = Template(templateId).Dependencies,
        },
    };

    public ProvisioningOptions Options() => new() { AgentCommand = { AgentCommand[0], AgentCommand[1], AgentCommand[2] }, AlertQueueName = AlertQueue };

    public ProvisioningPlanner Planner() => new(Microsoft.Extensions.Options.Options.Create(Options()), Storage);

    public ProvisioningPlan Plan(string templateId, string tenant, string secret = "s3cret-value") =>
        Planner().Plan(tenant, "dep-" + Guid.NewGuid().ToString("N")[..8], Configuration(templateId, templateId[5..] + "-agent", secret), Template(templateId));

    public Provisioner Provisioner(IContainerRuntime runtime) =>
        new([new QueueStep(Storage), new StorageStep(Storage), new ContainerStep(runtime), new MonitoringStep(Monitoring)]);

    /// <summary>Every resource of <paramref name="plan"/> that exists, found by listing each service.</summary>
    public async Task<Existing> ListAsync(ProvisioningPlan plan, IContainerRuntime runtime)
    {
        AgentResourceNames names = plan.Names;
        var queues = new List<string>();
        await foreach (QueueItem queue in Storage.Queues.GetQueuesAsync(prefix: names.TaskQueue))
        {
            queues.Add(queue.Name);
        }

        var containers = new List<string>();
        await foreach (BlobContainerItem container in Storage.Blobs.GetBlobContainersAsync(prefix: names.BlobContainer))
        {
            containers.Add(container.Name);
        }

        var tables = new List<string>();
        await foreach (TableItem table in Storage.Tables.QueryAsync(t => t.Name == names.Table))
        {
            tables.Add(table.Name);
        }

        var rows = new List<string>();
        await foreach (Azure.Data.Tables.TableEntity row in Monitoring.Table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == plan.TenantId))
        {
            rows.Add(row.RowKey);
        }

        ContainerInfo? info = await runtime.GetAsync(names.Container);
        return new Existing([.. queues.Order()], [.. containers], [.. tables], [.. rows.Order()], info);
    }

    public async Task InitializeAsync() => await Monitoring.EnsureCreatedAsync();

    public async Task DisposeAsync()
    {
        await Monitoring.DeleteAsync();
        await Storage.Queues.GetQueueClient(AlertQueue).DeleteIfExistsAsync();
    }
}

/// <summary>What exists of one agent's resources.</summary>
public sealed record Existing(string[] Queues, string[] BlobContainers, string[] Tables, string[] MonitoringRows, ContainerInfo? Container)
{
    public bool Nothing => Queues.Length == 0 && BlobContainers.Length == 0 && Tables.Length == 0 && MonitoringRows.Length == 0 && Container is null;
}
