using System.Runtime.Versioning;
using System.Text.Json;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Containers;

namespace AgentFactory.Functions.Tests.Monitoring;

/// <summary>The monitoring loop on Azurite, watching real bubblewrap containers.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class AgentMonitorTests(SandboxFixture sandbox)
{
    private readonly BubblewrapContainerRuntime _runtime = sandbox.Runtime;

    [Fact(Timeout = 90_000)]
    public async Task RunOnceAsync_ContainerExits_OneAlertAtThresholdNoDuplicateAndResetOnRecovery()
    {
        await using var setup = new MonitorSetup(_runtime, failureThreshold: 3);
        ProvisioningPlan plan = await setup.ProvisionAsync();
        AgentMonitor monitor = setup.Monitor();
        HealthCheckState healthy = (await setup.Table.GetAsync(plan.TenantId, plan.Names.AgentName))!;

        Assert.Equal(new MonitorPass(1, 0, 0, 0, 0), await monitor.RunOnceAsync());
        Assert.Equal(healthy.ETag, (await setup.Table.GetAsync(plan.TenantId, plan.Names.AgentName))!.ETag);

        await ExitAsync(plan);
        MonitorPass[] failing = [await monitor.RunOnceAsync(), await monitor.RunOnceAsync()];
        Assert.Empty(await setup.AlertsAsync());
        Assert.Equal(new MonitorPass(1, 1, 1, 0, 0), await monitor.RunOnceAsync());
        MonitorPass[] after = [await monitor.RunOnceAsync(), await monitor.RunOnceAsync()];

        Assert.All(failing, pass => Assert.Equal(new MonitorPass(1, 1, 0, 0, 0), pass));
        Assert.All(after, pass => Assert.Equal(new MonitorPass(1, 1, 0, 0, 0), pass));
        JsonElement alert = Assert.Single(await setup.AlertsAsync());
        Assert.Equal(plan.TenantId, alert.GetProperty("tenant").GetString());
        Assert.Equal(plan.Names.AgentName, alert.GetProperty("agent").GetString());
        Assert.Equal(plan.DeploymentId, alert.GetProperty("deployment").GetString());
        Assert.Equal("container failed (exit code 3)", alert.GetProperty("reason").GetString());
        Assert.Equal(3, alert.GetProperty("consecutiveFailures").GetInt32());
        Assert.True(alert.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        HealthCheckState down = (await setup.Table.GetAsync(plan.TenantId, plan.Names.AgentName))!;
        Assert.Equal((5, true, "container failed (exit code 3)"), (down.ConsecutiveFailures, down.Alerted, down.LastReason));

        await RecoverAsync(plan);
        Assert.Equal(new MonitorPass(1, 0, 0, 1, 0), await monitor.RunOnceAsync());
        HealthCheckState up = (await setup.Table.GetAsync(plan.TenantId, plan.Names.AgentName))!;
        Assert.Equal((0, false, (string?)null), (up.ConsecutiveFailures, up.Alerted, up.LastReason));

        // Re-armed: the next outage alerts again.
        await ExitAsync(plan);
        for (int pass = 0; pass < 3; pass++)
        {
            await monitor.RunOnceAsync();
        }

        Assert.Equal(2, (await setup.AlertsAsync()).Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task RunOnceAsync_WebhookRule_PostsTheAlertJsonOnce()
    {
        await using var setup = new MonitorSetup(_runtime);
        HealthCheck check = await setup.RegisterMissingAsync(new AlertRule(2, AlertDestinationKind.Webhook, "https://hooks.example.test/alerts/x"));
        var webhook = new RecordingHandler();
        AgentMonitor monitor = setup.Monitor(webhook: webhook);

        for (int pass = 0; pass < 4; pass++)
        {
            await monitor.RunOnceAsync();
        }

        (Uri uri, string body) = Assert.Single(webhook.Requests);
        Assert.Equal("https://hooks.example.test/alerts/x", uri.AbsoluteUri);
        JsonElement alert = JsonDocument.Parse(body).RootElement;
        Assert.Equal((check.TenantId, "ghost", "container not found", 2),
            (alert.GetProperty("tenant").GetString(), alert.GetProperty("agent").GetString(), alert.GetProperty("reason").GetString(),
                alert.GetProperty("consecutiveFailures").GetInt32()));
        Assert.Empty(await setup.AlertsAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task RunOnceAsync_AlertCannotBeSent_ClaimReleasedAndSentNextPass()
    {
        await using var setup = new MonitorSetup(_runtime);
        HealthCheck check = await setup.RegisterMissingAsync(new AlertRule(1, AlertDestinationKind.Queue, setup.AlertQueue));
        AgentMonitor monitor = setup.Monitor(new FlakyAlertSender(new AlertSender(setup.Storage.Queues, new HttpClient(new RecordingHandler()),
            Microsoft.Extensions.Options.Options.Create(new AgentMonitorOptions())), failures: 1));

        MonitorPass failed = await monitor.RunOnceAsync();
        HealthCheckState unclaimed = (await setup.Table.GetAsync(check.TenantId, check.AgentName))!;
        MonitorPass retried = await monitor.RunOnceAsync();
        MonitorPass settled = await monitor.RunOnceAsync();

        Assert.Equal(new MonitorPass(1, 1, 0, 0, 1), failed);
        Assert.Equal((1, false), (unclaimed.ConsecutiveFailures, unclaimed.Alerted));
        Assert.Equal(new MonitorPass(1, 1, 1, 0, 0), retried);
        Assert.Equal(new MonitorPass(1, 1, 0, 0, 0), settled);
        Assert.Equal(2, Assert.Single(await setup.AlertsAsync()).GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task RunOnceAsync_TwoMonitorsAtOnce_OneAlertPerAgent()
    {
        await using var setup = new MonitorSetup(_runtime);
        var rule = new AlertRule(1, AlertDestinationKind.Queue, setup.AlertQueue);
        HealthCheck[] checks = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => setup.RegisterMissingAsync(rule)));
        AgentMonitor first = setup.Monitor();
        AgentMonitor second = setup.Monitor();

        MonitorPass[] passes = await Task.WhenAll(first.RunOnceAsync(), second.RunOnceAsync());

        IReadOnlyList<JsonElement> alerts = await setup.AlertsAsync();
        Assert.Equal(5, passes.Sum(p => p.AlertsSent));
        Assert.Equal(checks.Select(c => c.TenantId).Order(), alerts.Select(a => a.GetProperty("tenant").GetString()!).Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_RunningAsHostedService_AlertsWithoutBeingDriven()
    {
        await using var setup = new MonitorSetup(_runtime);
        await setup.RegisterMissingAsync(new AlertRule(2, AlertDestinationKind.Queue, setup.AlertQueue));
        using AgentMonitor monitor = setup.Monitor(period: TimeSpan.FromMilliseconds(100));

        await monitor.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => (await setup.AlertsAsync()).Count == 1, TimeSpan.FromSeconds(20), "one alert from the timer loop");
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }

        Assert.Single(await setup.AlertsAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task RunOnceAsync_AfterDeprovisioning_ChecksNothing()
    {
        await using var setup = new MonitorSetup(_runtime);
        ProvisioningPlan plan = await setup.ProvisionAsync();
        await setup.Provisioner.DeprovisionAsync(plan);

        Assert.Equal(new MonitorPass(0, 0, 0, 0, 0), await setup.Monitor().RunOnceAsync());
        Assert.Empty(await setup.AlertsAsync());
    }

    /// <summary>Makes the test agent exit 3 (its script waits for /work/stop) and waits until it has.</summary>
    private async Task ExitAsync(ProvisioningPlan plan)
    {
        ContainerInfo info = (await _runtime.GetAsync(plan.Names.Container))!;
        await File.WriteAllTextAsync(Path.Combine(info.WorkDirectory, "stop"), "");
        ContainerStatus status = await _runtime.WaitForExitAsync(plan.Names.Container).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((ContainerState.Failed, 3), (status.State, status.ExitCode));
    }

    private async Task RecoverAsync(ProvisioningPlan plan)
    {
        ContainerInfo info = (await _runtime.GetAsync(plan.Names.Container))!;
        File.Delete(Path.Combine(info.WorkDirectory, "stop"));
        Assert.Equal(ContainerState.Running, (await _runtime.StartAsync(plan.Names.Container)).State);
    }
}
