using System.Diagnostics;

namespace AgentFactory.AgentRuntime.Kinds.Monitoring;

/// <summary>An endpoint to check.</summary>
internal sealed record CheckTarget(string Name, Uri Url, int ExpectedStatus);

/// <summary>One check's outcome; <see cref="Reason"/> is <c>status</c>, <c>latency</c> or <c>network</c> when unhealthy.</summary>
internal sealed record CheckOutcome(bool Healthy, int? Status, long LatencyMs, string? Reason);

/// <summary>
/// One HTTP GET per check. A response slower than the latency threshold is a failure, so the request is abandoned
/// at the threshold: a hung target costs one threshold, never a whole round.
/// </summary>
internal sealed class HealthChecker(HttpClient http)
{
    public async Task<CheckOutcome> CheckAsync(CheckTarget target, TimeSpan latencyThreshold, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(latencyThreshold);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var latency = Elapsed(started);
            var status = (int)response.StatusCode;
            return latency > latencyThreshold.TotalMilliseconds ? new CheckOutcome(false, status, latency, "latency")
                : status != target.ExpectedStatus ? new CheckOutcome(false, status, latency, "status")
                : new CheckOutcome(true, status, latency, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CheckOutcome(false, null, Math.Max(Elapsed(started), (long)latencyThreshold.TotalMilliseconds), "latency");
        }
        catch (HttpRequestException)
        {
            return new CheckOutcome(false, null, Elapsed(started), "network");
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

/// <summary>
/// Consecutive failures per target. An alert fires when a target's run of failures reaches the threshold — once
/// per run: a target that stays down does not alert again until it has recovered and failed anew.
/// </summary>
internal sealed class FailureTracker(int threshold)
{
    private readonly Dictionary<string, int> failures = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Records a check; returns the target's consecutive failures and whether this check raises the alert.</summary>
    public (int ConsecutiveFailures, bool Alert) Record(string target, bool healthy)
    {
        lock (gate)
        {
            var count = healthy ? 0 : failures.GetValueOrDefault(target) + 1;
            failures[target] = count;
            return (count, count == threshold);
        }
    }
}
