namespace AgentFactory.AgentRuntime.Kinds.Api;

/// <summary>
/// An outbound token bucket: <c>rate</c> tokens a second, holding at most max(1, rate), full at the start. A caller
/// that finds it empty reserves the next token (the count goes negative) and waits until it is due, so concurrent
/// callers queue fairly and the long-run rate never exceeds <c>rate</c>.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double rate;
    private readonly double capacity;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        rate = ratePerSecond;
        capacity = Math.Max(1, ratePerSecond);
        tokens = capacity;
        this.time = time;
        last = time.GetTimestamp();
    }

    /// <summary>Takes a token, waiting when none is left; true when the caller had to wait (was rate limited).</summary>
    public async ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(capacity, tokens + (time.GetElapsedTime(last, now).TotalSeconds * rate));
            last = now;
            tokens -= 1;
            if (tokens >= 0)
            {
                return false;
            }

            wait = TimeSpan.FromSeconds(-tokens / rate);
        }

        try
        {
            await Task.Delay(wait, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Give the reservation back: a cancelled caller must not slow down the ones behind it.
            lock (gate)
            {
                tokens += 1;
            }

            throw;
        }

        return true;
    }
}
