using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Azure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>
/// <see cref="ContainerInstancesRuntime.GetMetricsAsync"/> against the ARM stub's Azure Monitor route: the pinned
/// query, the sums over Monitor's intervals, what a group without data reads as, and the errors.
/// </summary>
public sealed class ContainerInstancesMetricsTests : IAsyncLifetime
{
    private const long Mb = 1024 * 1024;

    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 24, 1, 0, 30, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(CreatedAt);
    private ArmStub _stub = null!;

    public async Task InitializeAsync() => _stub = await ArmStub.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_RunningGroup_SumsCpuSecondsTakesPeakAndLatestMemory_WithThePinnedQuery()
    {
        (AciRuntimeHarness aci, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _stub.SetMetric(name, "CpuUsage", name, Minute(0, 500, 900), Minute(1, 1000, 1000), Minute(2, 250, 400));
        _stub.SetMetric(name, "MemoryUsage", name, Minute(0, 100 * Mb, 150 * Mb), Minute(1, 200 * Mb, 300 * Mb), Minute(2, 180 * Mb, 190 * Mb));
        _time.SetUtcNow(CreatedAt.AddMinutes(4).AddSeconds(40));

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        // (500 + 1000 + 250) millicores over one minute each; the minutes without samples add nothing.
        Assert.Equal(105.0, metrics.CpuTime.TotalSeconds, 6);
        Assert.Equal(300 * Mb, metrics.PeakMemoryBytes);
        Assert.Equal(180 * Mb, metrics.MemoryBytes);
        Assert.Equal(0, metrics.OomKillCount);
        Assert.Equal(_time.GetUtcNow(), metrics.SampledAt);

        RecordedRequest request = Assert.Single(MetricsRequests());
        Assert.Equal(_stub.GroupPath(name) + "/providers/Microsoft.Insights/metrics", request.Path);
        Assert.Equal("Bearer " + ArmStub.Token, request.Authorization);
        Dictionary<string, StringValues> query = QueryHelpers.ParseQuery(request.Query);
        Assert.Equal("2023-10-01", query["api-version"]);
        Assert.Equal("Microsoft.ContainerInstance/containerGroups", query["metricnamespace"]);
        Assert.Equal("CpuUsage,MemoryUsage", query["metricnames"]);
        Assert.Equal("Average,Maximum", query["aggregation"]);
        Assert.Equal("PT1M", query["interval"]);
        // From the whole minute the group was created in (its agentfactory-created tag) to now.
        Assert.Equal("2026-11-24T01:00:00Z/2026-11-24T01:05:10Z", query["timespan"]);
        Assert.Equal("containerName eq '*'", query["$filter"]);
        Assert.All(_stub.Requests.Where(r => r.Method != "PUT"),
            r => Assert.DoesNotContain("s3cr3t-value", r.Path + r.Query + r.Body, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_GroupYoungerThanMonitorsLag_ReadsAsZeros()
    {
        (_, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _time.Advance(TimeSpan.FromSeconds(20));

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        Assert.Equal(new ContainerMetrics(TimeSpan.Zero, 0, 0, 0, _time.GetUtcNow()), metrics);
        Assert.Single(MetricsRequests());
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_UnknownGroup_ThrowsNotFoundWithoutAskingMonitor()
    {
        var aci = new AciRuntimeHarness(_stub);
        var runtime = new ContainerInstancesRuntime(aci.Client, aci.Options, _time);

        await Assert.ThrowsAsync<ContainerNotFoundException>(() => runtime.GetMetricsAsync(AciRuntimeHarness.NewName()));

        Assert.Empty(MetricsRequests());
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_KilledForMemory_CountsTheKillsOfTheRunsTheInstanceViewShows_AndNoMemoryInUse()
    {
        (_, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _stub.SetMetric(name, "CpuUsage", name, Minute(0, 2000, 2000));
        _stub.SetMetric(name, "MemoryUsage", name, Minute(0, 900 * Mb, 1024 * Mb));
        _stub.ExitOutOfMemory(name, previousRunToo: true);
        _time.Advance(TimeSpan.FromMinutes(3));

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        Assert.Equal(ContainerState.OomKilled, (await runtime.GetStatusAsync(name)).State);
        Assert.Equal(2, metrics.OomKillCount);
        Assert.Equal(0, metrics.MemoryBytes);
        Assert.Equal(1024 * Mb, metrics.PeakMemoryBytes);
        Assert.Equal(120.0, metrics.CpuTime.TotalSeconds, 6);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_TwoContainers_AddsThemUpPerInterval()
    {
        (_, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _stub.SetMetric(name, "CpuUsage", "main", Minute(0, 1000, 1000));
        _stub.SetMetric(name, "CpuUsage", "sidecar", Minute(0, 500, 500));
        _stub.SetMetric(name, "MemoryUsage", "main", Minute(0, 100 * Mb, 100 * Mb), Minute(1, 100 * Mb, 100 * Mb));
        _stub.SetMetric(name, "MemoryUsage", "sidecar", Minute(0, 50 * Mb, 250 * Mb), Minute(1, 20 * Mb, 20 * Mb));
        _time.Advance(TimeSpan.FromMinutes(4));

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        Assert.Equal(90.0, metrics.CpuTime.TotalSeconds, 6);
        // Minute 0 holds 100 + 250 MB at most; minute 1 only 120 MB.
        Assert.Equal(350 * Mb, metrics.PeakMemoryBytes);
        Assert.Equal(120 * Mb, metrics.MemoryBytes);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_GroupOlderThanADay_AsksByTheHourAndNoFurtherBackThanMonitorKeeps()
    {
        (_, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _time.Advance(TimeSpan.FromDays(100));
        DateTimeOffset kept = _time.GetUtcNow() - TimeSpan.FromDays(93);
        DateTimeOffset firstHour = new(kept.Year, kept.Month, kept.Day, kept.Hour, 0, 0, TimeSpan.Zero);
        _stub.SetMetric(name, "CpuUsage", name,
            new MetricPoint(CreatedAt.AddDays(1), 4000, 4000),
            new MetricPoint(firstHour.AddMinutes(10), 600, 600),
            new MetricPoint(firstHour.AddMinutes(20), 200, 200));
        _stub.SetMetric(name, "MemoryUsage", name,
            new MetricPoint(CreatedAt.AddDays(1), 2048 * Mb, 2048 * Mb),
            new MetricPoint(firstHour.AddMinutes(10), 500 * Mb, 500 * Mb),
            new MetricPoint(firstHour.AddDays(1), 600 * Mb, 700 * Mb));

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        // One hour averaging 400 millicores; the day before Monitor's retention is not asked for.
        Assert.Equal(1440.0, metrics.CpuTime.TotalSeconds, 6);
        Assert.Equal(700 * Mb, metrics.PeakMemoryBytes);
        Dictionary<string, StringValues> query = QueryHelpers.ParseQuery(Assert.Single(MetricsRequests()).Query);
        Assert.Equal("PT1H", query["interval"]);
        Assert.Equal("2026-12-01T01:00:00Z/2027-03-04T01:00:30Z", query["timespan"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_Throttled_WaitsRetryAfterAndAsksAgain()
    {
        (AciRuntimeHarness aci, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _stub.SetMetric(name, "CpuUsage", name, Minute(0, 1000, 1000));
        _time.Advance(TimeSpan.FromMinutes(2));
        _stub.ThrottleMetrics(2);
        int waitsBefore = aci.Waits.Count;

        ContainerMetrics metrics = await runtime.GetMetricsAsync(name);

        Assert.Equal(60.0, metrics.CpuTime.TotalSeconds, 6);
        Assert.Equal([TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)], aci.Waits.Skip(waitsBefore));
        Assert.Equal(3, MetricsRequests().Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetMetricsAsync_Forbidden_ThrowsWithArmsCodeAndTheMissingPermission()
    {
        (_, ContainerInstancesRuntime runtime, string name) = await StartedAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _stub.RejectNextMetrics = (403, "AuthorizationFailed", "The client does not have authorization to perform action 'microsoft.insights/metrics/read'.");

        ContainerInstancesException error = await Assert.ThrowsAsync<ContainerInstancesException>(() => runtime.GetMetricsAsync(name));

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailed", error.Code);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/metrics/read on the agents' resource group", error.Message, StringComparison.Ordinal);
    }

    private static MetricPoint Minute(int minute, double average, double maximum) =>
        new(new DateTimeOffset(2026, 11, 24, 1, minute, 0, TimeSpan.Zero), average, maximum);

    private List<RecordedRequest> MetricsRequests() =>
        [.. _stub.Requests.Where(r => r.Path.EndsWith("/providers/Microsoft.Insights/metrics", StringComparison.Ordinal))];

    /// <summary>A group created (and so tagged) at <see cref="CreatedAt"/> and started.</summary>
    private async Task<(AciRuntimeHarness Aci, ContainerInstancesRuntime Runtime, string Name)> StartedAsync()
    {
        var aci = new AciRuntimeHarness(_stub);
        var runtime = new ContainerInstancesRuntime(aci.Client, aci.Options, _time);
        string name = AciRuntimeHarness.NewName();
        await runtime.CreateAsync(AciRuntimeHarness.Spec(name));
        await runtime.StartAsync(name);
        return (aci, runtime, name);
    }
}
