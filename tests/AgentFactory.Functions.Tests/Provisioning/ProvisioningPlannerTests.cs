using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>The plan is pure: these tests build plans without touching storage or containers.</summary>
public sealed class ProvisioningPlannerTests
{
    private const string Secret = "s3cret-" + "0123456789abcdef";
    private static readonly ProvisioningStorage Storage = new("UseDevelopmentStorage=true");

    private static ProvisioningPlanner Planner(Action<ProvisioningOptions>? configure = null)
    {
        var options = new ProvisioningOptions { AgentCommand = { "/usr/bin/dotnet", "/opt/agent/AgentFactory.AgentRuntime.dll", "service", "--config", ProvisioningOptions.ConfigurationPath } };
        configure?.Invoke(options);
        return new ProvisioningPlanner(Options.Create(options), Storage);
    }

    private static ProvisioningPlan Plan(string templateId, AgentConfiguration? configuration = null) =>
        Planner().Plan("tenant-a", "dep-1", configuration ?? ProvisioningFixture.Configuration(templateId, "my-agent", Secret), ProvisioningFixture.Template(templateId));

    private static Dictionary<string, ContainerEnvironmentVariable> Env(ProvisioningPlan plan) => plan.Container.Environment.ToDictionary(e => e.Name);

    [Fact]
    public void Plan_MemoryAgent_AllStepsInOrderWithTableAndItsVariable()
    {
        ProvisioningPlan plan = Plan("tmpl-memory");

        Assert.Equal([ProvisioningStepKind.Queue, ProvisioningStepKind.Storage, ProvisioningStepKind.Container, ProvisioningStepKind.Monitoring], plan.Steps);
        Assert.True(plan.NeedsTable);
        Dictionary<string, ContainerEnvironmentVariable> env = Env(plan);
        Assert.Equal(plan.Names.Table, env["AGENT_TABLE"].Value);
        Assert.Equal(plan.Names.TaskQueue, env["AGENT_TASK_QUEUE"].Value);
        Assert.Equal(plan.Names.PoisonQueue, env["AGENT_POISON_QUEUE"].Value);
        Assert.Equal(plan.Names.BlobContainer, env["AGENT_BLOB_CONTAINER"].Value);
        Assert.Equal("memory", env["AGENT_KIND"].Value);
        Assert.Equal(("tenant-a", "my-agent", "dep-1"), (env["AGENT_TENANT_ID"].Value, env["AGENT_NAME"].Value, env["AGENT_DEPLOYMENT_ID"].Value));
        Assert.Equal("/work/config/config.json", env["AGENT_CONFIG"].Value);
        Assert.StartsWith("http", env["AGENT_QUEUE_ENDPOINT"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DataAgent_NoTable()
    {
        ProvisioningPlan plan = Plan("tmpl-data");

        Assert.False(plan.NeedsTable);
        Assert.DoesNotContain(plan.Container.Environment, e => e.Name.StartsWith("AGENT_TABLE", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_SecretVariable_OnlyInTheContainerEnvironmentMarkedSecret()
    {
        ProvisioningPlan plan = Plan("tmpl-memory");

        Assert.Equal(new ContainerEnvironmentVariable("API_TOKEN", Secret, IsSecret: true), Env(plan)["API_TOKEN"]);
        Assert.Equal(new ContainerEnvironmentVariable("MODE", "test"), Env(plan)["MODE"]);
        Assert.Contains("\"value\":\"***\"", plan.RedactedConfigurationJson, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"my-agent\"", plan.RedactedConfigurationJson, StringComparison.Ordinal);
        // The config file travels in the spec, at the path AGENT_CONFIG names.
        Assert.Equal(plan.RedactedConfigurationJson, Assert.Single(plan.Container.Files, f => f.Key == Env(plan)["AGENT_CONFIG"].Value).Value);
        Assert.All([plan.RedactedConfigurationJson, plan.ToString(), plan.Container.ToString(), string.Join(",", plan.Container.Labels)],
            text => Assert.DoesNotContain(Secret, text, StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Container_CommandLimitsAndNetworkFromOptionsConfigurationAndTemplate()
    {
        AgentConfiguration configuration = ProvisioningFixture.Configuration("tmpl-api", "my-agent", Secret) with
        {
            Resources = new ResourceSelection { CpuCores = 1m, MemoryMb = 512, StorageGb = 1 },
        };

        ProvisioningPlan api = Plan("tmpl-api", configuration);
        ProvisioningPlan data = Plan("tmpl-data");

        Assert.Equal(["/usr/bin/dotnet", "/opt/agent/AgentFactory.AgentRuntime.dll", "service", "--config", "/work/config/config.json"], api.Container.Command);
        Assert.Equal((1m, 512L * 1024 * 1024, true), (api.Container.CpuCores, api.Container.MemoryBytes, api.Container.NetworkAccess));
        Assert.False(data.Container.NetworkAccess);
        Assert.Equal(api.Names.Container, api.Container.Name);
        Assert.Equal("dep-1", api.Container.Labels["deployment"]);
        api.Container.Validate();
    }

    [Fact]
    public void Plan_OnDemandAgent_IdleExitIsHealthy()
    {
        ProvisioningPlan onDemand = Plan("tmpl-memory");
        AgentConfiguration alwaysOn = ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret) with { Execution = ExecutionSettings.AlwaysOn };

        Assert.True(onDemand.HealthCheck.IdleExitIsHealthy);
        Assert.False(Plan("tmpl-data", alwaysOn).HealthCheck.IdleExitIsHealthy);
        Assert.Equal(new HealthCheck("tenant-a", "my-agent", "dep-1", onDemand.Names.Container, true, CpuCores: 1m, MemoryGb: 2m), onDemand.HealthCheck);
    }

    [Fact]
    public void Plan_HealthCheck_CarriesTheAllocationAciBills_AtLeastOneGbAGroup()
    {
        AgentConfiguration configuration = ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret);
        AgentConfiguration small = configuration with { Resources = configuration.Resources with { CpuCores = 0.5m, MemoryMb = 512 } };

        HealthCheck check = Plan("tmpl-data", small).HealthCheck;

        Assert.Equal((0.5m, 1m), (check.CpuCores, check.MemoryGb));
    }

    [Fact]
    public void Plan_OrdinaryAgent_DefaultRuleOnTheFactoryAlertQueue()
    {
        ProvisioningPlan plan = Planner(o => (o.AlertQueueName, o.DefaultFailureThreshold) = ("ops-alerts", 4))
            .Plan("tenant-a", "dep-1", ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret), ProvisioningFixture.Template("tmpl-data"));

        Assert.Equal(new AlertRule(4, AlertDestinationKind.Queue, "ops-alerts"), plan.AlertRule);
    }

    [Fact]
    public void Plan_MonitoringAgentWithWebhook_RuleUsesItsWebhookAndThreshold()
    {
        AgentConfiguration configuration = ProvisioningFixture.Configuration("tmpl-monitoring", "my-agent", Secret);
        var settings = (MonitoringSettings)configuration.Settings;
        configuration = configuration with
        {
            Settings = settings with
            {
                AlertChannel = new AlertChannel { Kind = AlertChannelKind.Webhook, Target = "https://hooks.example.com/alerts" },
                Thresholds = settings.Thresholds with { ConsecutiveFailures = 5 },
            },
        };

        Assert.Equal(new AlertRule(5, AlertDestinationKind.Webhook, "https://hooks.example.com/alerts"), Plan("tmpl-monitoring", configuration).AlertRule);
    }

    [Fact]
    public void Plan_MonitoringAgentAlertingByEmail_ItsThresholdOnTheFactoryQueue()
    {
        AgentConfiguration configuration = ProvisioningFixture.Configuration("tmpl-monitoring", "my-agent", Secret);
        var settings = (MonitoringSettings)configuration.Settings;
        configuration = configuration with
        {
            Settings = settings with
            {
                AlertChannel = new AlertChannel { Kind = AlertChannelKind.Email, Target = "ops@example.com" },
                Thresholds = settings.Thresholds with { ConsecutiveFailures = 2 },
            },
        };

        Assert.Equal(new AlertRule(2, AlertDestinationKind.Queue, "agent-alerts"), Plan("tmpl-monitoring", configuration).AlertRule);
    }

    [Fact]
    public void Plan_TemplateOtherThanTheConfigurations_Throws()
    {
        AgentConfiguration memory = ProvisioningFixture.Configuration("tmpl-memory", "my-agent", Secret);

        var error = Assert.Throws<ArgumentException>(() => Planner().Plan("tenant-a", "dep-1", memory, ProvisioningFixture.Template("tmpl-data")));
        Assert.Contains("tmpl-memory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ConfigurationSetsAPlatformVariable_Throws()
    {
        AgentConfiguration configuration = ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret) with
        {
            Advanced = new AdvancedSettings { Environment = [new EnvironmentVariable { Name = "agent_task_queue", Value = "elsewhere" }] },
        };

        var error = Assert.Throws<ArgumentException>(() => Plan("tmpl-data", configuration));
        Assert.Contains("agent_task_queue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoAgentCommand_ThrowsWithWhatToSet()
    {
        var planner = new ProvisioningPlanner(Options.Create(new ProvisioningOptions()), Storage);

        var error = Assert.Throws<InvalidOperationException>(() =>
            planner.Plan("tenant-a", "dep-1", ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret), ProvisioningFixture.Template("tmpl-data")));
        Assert.Contains("AgentCommand", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WithConnectionString_AgentGetsItAsASecretAndNoIdentity()
    {
        const string connection = "DefaultEndpointsProtocol=https;AccountName=stx;AccountKey=" + Secret;
        ProvisioningPlan plan = Planner(o => (o.AgentStorageConnection, o.AgentIdentityClientId) = (connection, "client-1"))
            .Plan("tenant-a", "dep-1", ProvisioningFixture.Configuration("tmpl-data", "my-agent", Secret), ProvisioningFixture.Template("tmpl-data"));

        Assert.Equal(new ContainerEnvironmentVariable("AGENT_STORAGE", connection, IsSecret: true), Env(plan)["AGENT_STORAGE"]);
        Assert.DoesNotContain(plan.Container.Environment, e => e.Name.StartsWith("AGENT_STORAGE_", StringComparison.Ordinal));
        Assert.True(plan.Container.NetworkAccess);
    }

    [Fact]
    public void Plan_IdentityBasedStorage_AgentGetsAccountEndpointsAndClientIdAndNoSecret()
    {
        var account = FactoryStorageAccount.FromIdentity("stfactory", new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned));
        var options = new ProvisioningOptions { AgentIdentityClientId = "0b8e6a1c-2d4f-4e6a-9c1b-7f3e5d2a4b6c", AgentCommand = { "/usr/bin/dotnet" } };
        ProvisioningPlan plan = new ProvisioningPlanner(Options.Create(options), new ProvisioningStorage(account))
            .Plan("tenant-a", "dep-1", ProvisioningFixture.Configuration("tmpl-memory", "my-agent", Secret), ProvisioningFixture.Template("tmpl-memory"));

        Dictionary<string, ContainerEnvironmentVariable> env = Env(plan);
        Assert.Equal("stfactory", env["AGENT_STORAGE_ACCOUNT"].Value);
        Assert.Equal("https://stfactory.queue.core.windows.net/", env["AGENT_STORAGE_QUEUE_URI"].Value);
        Assert.Equal("https://stfactory.table.core.windows.net/", env["AGENT_STORAGE_TABLE_URI"].Value);
        Assert.Equal("0b8e6a1c-2d4f-4e6a-9c1b-7f3e5d2a4b6c", env["AGENT_STORAGE_CLIENT_ID"].Value);
        Assert.False(env.ContainsKey("AGENT_STORAGE"));
        // The configuration's own secret is the only secret the container gets.
        Assert.Equal(["API_TOKEN"], plan.Container.Environment.Where(e => e.IsSecret).Select(e => e.Name));
        Assert.True(plan.Container.NetworkAccess);
    }

    [Fact]
    public void Plan_NeitherConnectionNorIdentity_NoStorageVariables()
    {
        ProvisioningPlan plan = Plan("tmpl-data");

        Assert.DoesNotContain(plan.Container.Environment, e => e.Name.StartsWith("AGENT_STORAGE", StringComparison.Ordinal));
        Assert.False(plan.Container.NetworkAccess);
    }
}
