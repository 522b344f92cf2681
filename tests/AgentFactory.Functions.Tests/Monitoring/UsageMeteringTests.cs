using AgentFactory.Core.Pricing;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Monitoring;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.Monitoring;

/// <summary>
/// Usage metering on the monitor's pass, on Azurite, with the container's runs scripted on a fake clock: running
/// intervals come from the runtime's start and stop times, only a change of run writes, and removal closes the last run.
/// </summary>
public sealed class UsageMeteringTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly ScriptedContainerRuntime _runtime = new();
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly MonitorSetup _setup;
    private readonly UsageTable _usage;

    public UsageMeteringTests()
    {
        _setup = new MonitorSetup(_runtime);
        _usage = new UsageTable(_setup.Storage.Tables, "u" + Guid.NewGuid().ToString("N")[..10]);
    }

    public Task InitializeAsync() => _setup.Table.EnsureCreatedAsync();

    public async Task DisposeAsync()
    {
        await _usage.DeleteAsync();
        await _setup.DisposeAsync();
    }

    private AgentMonitor Monitor()
    {
        IOptions<AgentMonitorOptions> options = Options.Create(new AgentMonitorOptions());
        var sender = new AlertSender(_setup.Storage.Queues, new HttpClient(new RecordingHandler()), options);
        return new AgentMonitor(_setup.Table, _runtime, sender, options, _clock, NullLogger<AgentMonitor>.Instance, new UsageMeter(_usage));
    }

    private ProvisioningPlan Plan()
    {
        var planner = new ProvisioningPlanner(Options.Create(_setup.Options), _setup.Storage);
        string tenant = ProvisioningFixture.NewTenant();
        return planner.Plan(tenant, "dep-" + tenant[7..], ProvisioningFixture.Configuration("tmpl-data", "metered", "s3cret"), ProvisioningFixture.Template("tmpl-data"));
    }

    private void At(int seconds) => _clock.SetUtcNow(T0.AddSeconds(seconds));

    private static ContainerStatus Running(int startedSecond) => new("", ContainerState.Running, StartedAt: T0.AddSeconds(startedSecond));

    [Fact(Timeout = 60_000)]
    public async Task MonitorPasses_MeterRunsFromTheRuntimesTimes_WriteOnlyOnChange_AndRemovalClosesTheLastRun()
    {
        ProvisioningPlan plan = Plan();
        string tenant = plan.TenantId, deployment = plan.DeploymentId;
        await _setup.Table.RegisterAsync(plan.HealthCheck, plan.AlertRule);
        AgentMonitor monitor = Monitor();

        // Prepared, not started (the wizard's review step): healthy, and nothing to meter.
        _runtime.Status = new ContainerStatus("", ContainerState.Created);
        At(5);
        Assert.Equal(0, (await monitor.RunOnceAsync()).Failing);
        Assert.Null(await _usage.GetAsync(tenant, deployment));

        // Started at 10 s, seen at 20 s: the run is open from its own start time, with the allocation ACI bills.
        _runtime.Status = Running(10);
        At(20);
        await monitor.RunOnceAsync();
        AgentUsage opened = (await _usage.GetAsync(tenant, deployment))!;
        Assert.Equal((T0.AddSeconds(10), T0.AddSeconds(10), 1, 0d), (opened.MeteredFrom, opened.RunningSince, opened.Runs, opened.RunSeconds));
        Assert.Equal((plan.HealthCheck.CpuCores, plan.HealthCheck.MemoryGb), (opened.CpuCores, opened.MemoryGb));
        Assert.True(opened.MemoryGb >= 1m);
        Assert.Equal(T0.AddSeconds(10), (await _setup.Table.GetAsync(tenant, plan.Names.AgentName))!.MeteredRunStartedAt);
        Assert.Equal(15d, opened.RunningSecondsAt(T0.AddSeconds(25)));

        // Still the same run: neither row is written again.
        HealthCheckState checkBefore = (await _setup.Table.GetAsync(tenant, plan.Names.AgentName))!;
        At(50);
        await monitor.RunOnceAsync();
        Assert.Equal(opened.ETag, (await _usage.GetAsync(tenant, deployment))!.ETag);
        Assert.Equal(checkBefore.ETag, (await _setup.Table.GetAsync(tenant, plan.Names.AgentName))!.ETag);

        // Stopped at 70 s, seen at 100 s: the run counts 60 s, to the runtime's stop time, not the pass's.
        _runtime.Status = new ContainerStatus("", ContainerState.Stopped, ExitCode: 143, StartedAt: T0.AddSeconds(10), FinishedAt: T0.AddSeconds(70));
        At(100);
        await monitor.RunOnceAsync();
        AgentUsage stopped = (await _usage.GetAsync(tenant, deployment))!;
        Assert.Equal((60d, (DateTimeOffset?)null, T0.AddSeconds(70)), (stopped.RunSeconds, stopped.RunningSince, stopped.LastStoppedAt));
        Assert.Equal(60d, stopped.RunningSecondsAt(T0.AddSeconds(1000)));
        Assert.Equal(60d, stopped.ObservedSecondsAt(T0.AddSeconds(1000)));

        // Started again at 200 s; removed at 400 s (monitoring goes first, the container right after): 60 + 200 s.
        _runtime.Status = Running(200);
        At(300);
        await monitor.RunOnceAsync();
        At(400);
        await new MonitoringStep(_setup.Table, new UsageMeter(_usage), _runtime, _clock).RemoveAsync(plan);
        AgentUsage final = (await _usage.GetAsync(tenant, deployment))!;
        Assert.Equal((260d, (DateTimeOffset?)null, 2, T0.AddSeconds(400)), (final.RunSeconds, final.RunningSince, final.Runs, final.LastStoppedAt));
        Assert.Null(await _setup.Table.GetAsync(tenant, plan.Names.AgentName));

        // Priced with the estimator's sheet: 260 s of the allocation, over 390 s observed, projected to 730 h.
        PriceSheet sheet = PriceSheetCatalog.BuiltIn.Find("eastus").Value;
        UsageCost cost = UsageCost.Of(final, sheet, T0.AddSeconds(5000));
        decimal perHour = final.CpuCores * sheet[PriceMeter.ContainerVcpu].UnitPrice + final.MemoryGb * sheet[PriceMeter.ContainerMemory].UnitPrice;
        Assert.Equal((260d, 390d), (cost.RunningSeconds, cost.ObservedSeconds));
        Assert.Equal(Math.Round(perHour * 260m / 3600m, 6), cost.MeteredUsd);
        Assert.Equal(Math.Round(perHour * 260m / 3600m * 730m * 3600m / 390m, 4), cost.MonthlyUsd!.Value, 3);
    }

    [Fact(Timeout = 60_000)]
    public async Task Removal_OfARunningAgentNoPassSaw_CountsItFromItsStart()
    {
        ProvisioningPlan plan = Plan();
        await _setup.Table.RegisterAsync(plan.HealthCheck, plan.AlertRule);
        _runtime.Status = Running(30);
        At(90);
        var step = new MonitoringStep(_setup.Table, new UsageMeter(_usage), _runtime, _clock);

        await step.RemoveAsync(plan);
        await step.RemoveAsync(plan);

        AgentUsage usage = (await _usage.GetAsync(plan.TenantId, plan.DeploymentId))!;
        Assert.Equal((60d, 1, T0.AddSeconds(30)), (usage.RunSeconds, usage.Runs, usage.MeteredFrom));
    }
}
