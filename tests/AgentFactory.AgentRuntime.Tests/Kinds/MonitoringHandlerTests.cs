using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Kinds.Monitoring;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;
using AgentFactory.Core.Configuration.Settings;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class MonitoringHandlerTests(EndpointFixture endpoint) : IClassFixture<EndpointFixture>
{
    private static IAgentHandler Monitor(TextWriter? logs = null) => Agents.Handler(Agents.Host(Agents.Default("tmpl-monitoring"), logs: logs));

    private string Check(string path, int rounds, string extra = "") =>
        $$"""{"op":"check","targets":[{"name":"t","url":"{{endpoint.Url}}{{path}}","expectedStatus":200}],"rounds":{{rounds}},"intervalSeconds":0{{extra}}}""";

    [Fact(Timeout = 10_000)]
    public async Task Check_HealthyTarget_ReportsStatusAndLatencyWithoutAlert()
    {
        await using var monitor = Monitor();

        var result = await Agents.RunAsync(monitor, Check("/status/200", 2));

        Assert.True(result.At("$.results[1].healthy").GetBoolean());
        Assert.Equal(200, result.At("$.results[1].status").GetInt32());
        Assert.Equal(2, result.At("$.results[1].round").GetInt32());
        Assert.Equal(0, result.At("$.results[1].consecutiveFailures").GetInt32());
        Assert.False(result.Has("$.results[0].reason"));
        Assert.Equal(0, result.At("$.alerts").GetArrayLength());
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_FailuresReachTheThreshold_AlertsOnceOnTheConfiguredChannel()
    {
        using var logs = new StringWriter();
        await using var monitor = Monitor(logs);

        var result = await Agents.RunAsync(monitor, Check("/status/503", 5, ""","consecutiveFailures":2"""));

        Assert.Equal(1, result.At("$.alerts").GetArrayLength());
        Assert.Equal(2, result.At("$.alerts[0].round").GetInt32());
        Assert.Equal("log", result.At("$.alerts[0].channel").GetString());
        Assert.Equal("status", result.At("$.alerts[0].reason").GetString());
        Assert.Equal(5, result.At("$.results[4].consecutiveFailures").GetInt32());
        Assert.Contains("\"event\":\"Alert\"", logs.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_BelowTheThreshold_NoAlert()
    {
        await using var monitor = Monitor();

        var result = await Agents.RunAsync(monitor, Check("/status/500", 2, ""","consecutiveFailures":3"""));

        Assert.Equal(0, result.At("$.alerts").GetArrayLength());
        Assert.Equal(2, result.At("$.results[1].consecutiveFailures").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_SlowerThanTheLatencyThreshold_FailsWithLatencyWithoutWaitingForTheResponse()
    {
        await using var monitor = Monitor();

        var result = await Agents.RunAsync(monitor, Check("/delay/5000", 1, ""","latencyMs":150"""));

        Assert.False(result.At("$.results[0].healthy").GetBoolean());
        Assert.Equal("latency", result.At("$.results[0].reason").GetString());
        Assert.InRange(result.At("$.results[0].latencyMs").GetInt64(), 150, 2000);
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_NothingListening_FailsWithNetwork()
    {
        await using var monitor = Monitor();

        var result = await Agents.RunAsync(monitor, """{"op":"check","targets":[{"name":"gone","url":"http://127.0.0.1:1/"}],"rounds":1,"intervalSeconds":0}""");

        Assert.Equal("network", result.At("$.results[0].reason").GetString());
    }

    [Fact]
    public void FailureTracker_RecoveryThenNewFailures_AlertsAgain()
    {
        var tracker = new FailureTracker(2);

        var alerts = new[] { false, false, false, true, false, false }.Select(healthy => tracker.Record("t", healthy).Alert).ToList();

        Assert.Equal([false, true, false, false, false, true], alerts);
    }

    [Fact(Timeout = 10_000)]
    public async Task RunAsync_ScheduledChecksOfAFailingTarget_DeliverTheAlertToTheChannels()
    {
        var configuration = Agents.Default("tmpl-monitoring");
        var settings = (MonitoringSettings)configuration.Settings with
        {
            Targets = [new MonitoringTarget { Name = "down", Url = endpoint.Url + "/status/503" }],
            Thresholds = new MonitoringThresholds { LatencyMs = 2000, ConsecutiveFailures = 1 },
        };
        var delivered = new TaskCompletionSource<Alert>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new MonitoringHandler(settings, new HealthChecker(new HttpClient()), [new RecordingChannel(delivered)], "watcher", NullLogger.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();

        var running = handler.RunAsync(stop.Token);
        var alert = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(("watcher", "down", 1), (alert.Agent, alert.Target, alert.ConsecutiveFailures));
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_DefaultTargets_UseTheConfiguration()
    {
        var configuration = Agents.Default("tmpl-monitoring");
        var settings = (MonitoringSettings)configuration.Settings with { Targets = [new MonitoringTarget { Name = "cfg", Url = endpoint.Url + "/status/200" }] };
        await using var monitor = Agents.Handler(Agents.Host(configuration with { Settings = settings }, mode: RunMode.Service));

        var result = await Agents.RunAsync(monitor, """{"op":"check","rounds":1}""");

        Assert.Equal("cfg", result.At("$.results[0].name").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task WebhookChannel_AcceptingAndFailingReceivers_DeliversOrThrows()
    {
        using var http = new HttpClient();
        var alert = new Alert("watcher", "down", "webhook", 3, "status", DateTimeOffset.UnixEpoch);

        await new WebhookAlertChannel(http, new Uri(endpoint.Url + "/echo")).DeliverAsync(alert, CancellationToken.None);

        await Assert.ThrowsAsync<HttpRequestException>(() => new WebhookAlertChannel(http, new Uri(endpoint.Url + "/status/500")).DeliverAsync(alert, CancellationToken.None));
    }

    private sealed class RecordingChannel(TaskCompletionSource<Alert> delivered) : IAlertChannel
    {
        public Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
        {
            delivered.TrySetResult(alert);
            return Task.CompletedTask;
        }
    }
}
