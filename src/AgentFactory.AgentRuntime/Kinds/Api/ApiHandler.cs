using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;

namespace AgentFactory.AgentRuntime.Kinds.Api;

/// <summary>
/// The API agent: <c>call</c> sends one request through the agent's token bucket (settings rate) with the configured
/// auth and timeout and maps the JSON response; <c>burst</c> sends <c>count</c> requests at once through a fresh
/// bucket at the task's rate and reports how many the bucket delayed.
/// </summary>
internal sealed class ApiHandler(ApiSettings settings, ApiSender sender, TokenBucket bucket, bool retries, TimeProvider time) : IAgentHandler
{
    private const int RetriesWhenEnabled = 2;

    public Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken) => op switch
    {
        "call" => CallAsync(input, cancellationToken),
        "burst" => BurstAsync(input, cancellationToken),
        _ => throw new TaskInputException($"Unknown op '{op}' for an API agent: use call or burst."),
    };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<object> CallAsync(JsonElement input, CancellationToken cancellationToken)
    {
        var request = ApiRequest.From(input, settings.BaseUrl);
        var map = input.OptionalObject("map");
        var paths = map?.EnumerateObject().Select(field => (field.Name, Path: ParsePath(field))).ToList() ?? [];
        var timeout = TimeSpan.FromSeconds(input.OptionalNumber("timeoutSeconds", 0.001, ApiSettings.MaxTimeoutSeconds) ?? settings.TimeoutSeconds);

        var delayed = await bucket.AcquireAsync(cancellationToken);
        var response = await sender.SendAsync(request, timeout, retries ? RetriesWhenEnabled : 0, cancellationToken);
        if (response.Error is not null)
        {
            return new { error = response.Error, message = response.Message, attempts = response.Attempts, durationMs = response.DurationMs };
        }

        JsonObject? mapped = null;
        if (map is not null)
        {
            mapped = [];
            var body = JsonSerializer.SerializeToElement(response.Body, RuntimeJson.Options);
            foreach (var (name, path) in paths)
            {
                var matches = path.Select(body);
                mapped[name] = path.HasWildcard ? new JsonArray([.. matches.Select(m => JsonNode.Parse(m.GetRawText()))]) : matches.Count > 0 ? JsonNode.Parse(matches[0].GetRawText()) : null;
            }
        }

        return new { status = response.Status, body = response.Body, mapped, attempts = response.Attempts, durationMs = response.DurationMs, rateLimited = delayed };
    }

    private async Task<object> BurstAsync(JsonElement input, CancellationToken cancellationToken)
    {
        var request = ApiRequest.From(input, settings.BaseUrl);
        var count = input.RequiredInt("count", 1, 1000);
        var rate = input.OptionalNumber("rateLimitPerSecond", 0.001, ApiSettings.MaxRateLimitPerSecond) ?? settings.RateLimitPerSecond;
        var timeout = TimeSpan.FromSeconds(input.OptionalNumber("timeoutSeconds", 0.001, ApiSettings.MaxTimeoutSeconds) ?? settings.TimeoutSeconds);
        var burstBucket = new TokenBucket(rate, time);
        var started = Stopwatch.GetTimestamp();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var delayed = await burstBucket.AcquireAsync(cancellationToken);
            var response = await sender.SendAsync(request, timeout, 0, cancellationToken);
            return (delayed, response);
        }));

        return new
        {
            completed = outcomes.Count(o => o.response.Status is not null),
            delayed = outcomes.Count(o => o.delayed),
            failed = outcomes.Count(o => o.response.Status is null),
            statuses = outcomes.Where(o => o.response.Status is not null).GroupBy(o => o.response.Status!.Value)
                .OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count()),
            elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    private static ResultPath ParsePath(JsonProperty field) =>
        field.Value.ValueKind == JsonValueKind.String && ResultPath.TryParse(field.Value.GetString(), out var path, out _)
            ? path
            : throw JsonInput.Invalid($"map.{field.Name}", "a path such as $.name or $.items[0].id");
}
