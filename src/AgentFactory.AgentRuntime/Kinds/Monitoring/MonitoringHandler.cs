using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Kinds.Monitoring;

/// <summary>
/// The monitoring agent. <c>check</c> runs <c>rounds</c> of checks of the given (or configured) targets and reports
/// each check and each alert. In service mode it also checks the configured targets every <c>intervalSeconds</c> on
/// its own (<see cref="IBackgroundWork"/>), counting consecutive failures across rounds. Alerts always go to the log;
/// to the webhook or alert queue only in service mode — a sandbox records them in the result and sends nothing out.
/// </summary>
internal sealed class MonitoringHandler(
    MonitoringSettings settings, HealthChecker checker, IReadOnlyList<IAlertChannel> deliveries, string agent, ILogger logger, TimeProvider time)
    : IAgentHandler, IBackgroundWork
{
    private const int MaxRounds = 100;
    private readonly FailureTracker scheduled = new(settings.Thresholds.ConsecutiveFailures);
    private readonly LogAlertChannel log = new(logger);
    private readonly string channel = JsonNamingPolicy.CamelCase.ConvertName(settings.AlertChannel.Kind.ToString());

    public async Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken)
    {
        if (op != "check")
        {
            throw new TaskInputException($"Unknown op '{op}' for a monitoring agent: use check.");
        }

        var targets = input.Field("targets") is null ? Configured() : input.Array("targets", MonitoringSettings.MaxTargets, required: true).Select(Target).ToList();
        var rounds = input.OptionalInt("rounds", 1, MaxRounds) ?? 1;
        var interval = TimeSpan.FromSeconds(input.OptionalNumber("intervalSeconds", 0, MonitoringSettings.MaxIntervalSeconds) ?? settings.IntervalSeconds);
        if (interval * (rounds - 1) > TimeSpan.FromHours(1))
        {
            throw new TaskInputException("'rounds' × 'intervalSeconds' must stay within one hour for one task.");
        }

        var latency = TimeSpan.FromMilliseconds(input.OptionalInt("latencyMs", 1, 60_000) ?? settings.Thresholds.LatencyMs);
        var tracker = new FailureTracker(input.OptionalInt("consecutiveFailures", 1, 20) ?? settings.Thresholds.ConsecutiveFailures);
        List<object> results = [];
        List<object> alerts = [];
        for (var round = 1; round <= rounds; round++)
        {
            if (round > 1)
            {
                await Task.Delay(interval, time, cancellationToken);
            }

            await RoundAsync(targets, latency, tracker, round, results, alerts, cancellationToken);
        }

        return new { results, alerts };
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var targets = Configured();
        var latency = TimeSpan.FromMilliseconds(settings.Thresholds.LatencyMs);
        for (var round = 1; !cancellationToken.IsCancellationRequested; round++)
        {
            try
            {
                await RoundAsync(targets, latency, scheduled, round, [], [], cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ScheduledChecksFailed(logger, e);
            }

            await Task.Delay(TimeSpan.FromSeconds(settings.IntervalSeconds), time, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RoundAsync(IReadOnlyList<CheckTarget> targets, TimeSpan latency, FailureTracker tracker, int round, List<object> results, List<object> alerts, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(targets.Select(target => checker.CheckAsync(target, latency, cancellationToken)));
        for (var i = 0; i < targets.Count; i++)
        {
            var (target, outcome) = (targets[i], outcomes[i]);
            var (failures, alert) = tracker.Record(target.Name, outcome.Healthy);
            results.Add(new { name = target.Name, round, healthy = outcome.Healthy, status = outcome.Status, latencyMs = outcome.LatencyMs, reason = outcome.Reason, consecutiveFailures = failures });
            if (alert)
            {
                var raised = new Alert(agent, target.Name, channel, failures, outcome.Reason ?? "unknown", time.GetUtcNow());
                var (delivered, error) = await DeliverAsync(raised, cancellationToken);
                alerts.Add(new { target = target.Name, channel, consecutiveFailures = failures, reason = raised.LastReason, round, delivered, deliveryError = error });
            }
        }
    }

    private async Task<(bool Delivered, string? Error)> DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        await log.DeliverAsync(alert, cancellationToken);
        if (deliveries.Count == 0)
        {
            return (settings.AlertChannel.Kind == AlertChannelKind.Log, null);
        }

        try
        {
            await Task.WhenAll(deliveries.Select(delivery => delivery.DeliverAsync(alert, cancellationToken)));
            return (true, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.AlertDeliveryFailed(logger, alert.Target, alert.Channel, e);
            return (false, e.GetType().Name);
        }
    }

    private List<CheckTarget> Configured() => settings.Targets.Select(t => new CheckTarget(t.Name, new Uri(t.Url), t.ExpectedStatus)).ToList();

    private static CheckTarget Target(JsonElement target)
    {
        var url = target.RequiredString("url", 2048);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new CheckTarget(target.RequiredString("name", 63), uri, target.OptionalInt("expectedStatus", 100, 599) ?? 200)
            : throw JsonInput.Invalid("targets[].url", "an absolute http(s) URL");
    }
}
