using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>One minute of a metric as Monitor stores it for one container.</summary>
public sealed record MetricPoint(DateTimeOffset At, double Average, double Maximum);

/// <summary>
/// Azure Monitor's Metrics - List (api-version 2023-10-01) for container groups:
/// <c>GET {group}/providers/Microsoft.Insights/metrics</c>. It refuses what Monitor refuses (another namespace, a
/// metric Container Instances does not emit, an unknown aggregation, a time grain the metric lacks, a malformed
/// timespan), rolls the minutes the test set up into the asked interval, answers every interval of the span (those
/// without samples carry their timeStamp only), splits by container for <c>containerName eq '*'</c> and otherwise rolls the
/// containers together (average of averages, highest maximum).
/// </summary>
public sealed partial class ArmStub
{
    public const string MetricsApiVersion = "2023-10-01";

    private const string MetricsSuffix = "/providers/Microsoft.Insights/metrics";

    private static readonly string[] AciMetrics = ["CpuUsage", "MemoryUsage", "NetworkBytesReceivedPerSecond", "NetworkBytesTransmittedPerSecond"];
    private static readonly string[] Aggregations = ["average", "minimum", "maximum", "total", "count"];
    private static readonly string[] TimeGrains = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H"];

    private readonly ConcurrentDictionary<(string Group, string Metric), ConcurrentDictionary<string, MetricPoint[]>> _metricSeries = new();
    private int _throttleMetrics;

    /// <summary>The next metrics request is refused with this error (status, code, message).</summary>
    public (int Status, string Code, string Message)? RejectNextMetrics { get; set; }

    /// <summary>Sets what Monitor has of <paramref name="metric"/> for one container of a group.</summary>
    public void SetMetric(string group, string metric, string container, params MetricPoint[] points) =>
        _metricSeries.GetOrAdd((group, metric), _ => new ConcurrentDictionary<string, MetricPoint[]>(StringComparer.Ordinal))[container] = points;

    /// <summary>The next <paramref name="count"/> metrics requests get 429 with Retry-After 4.</summary>
    public void ThrottleMetrics(int count) => Interlocked.Exchange(ref _throttleMetrics, count);

    /// <summary>Ends the container killed for memory, as ACI reports it; with a previous run killed the same way.</summary>
    public void ExitOutOfMemory(string name, bool previousRunToo)
    {
        lock (_gate)
        {
            JsonObject group = Group(name)!;
            SetInstanceView(group, "Failed", "Terminated", 137);
            foreach (JsonNode? container in group["properties"]!["containers"]!.AsArray())
            {
                JsonNode view = container!["properties"]!["instanceView"]!;
                view["currentState"]!["detailStatus"] = "OOMKilled";
                if (previousRunToo)
                {
                    view["restartCount"] = 1;
                    view["previousState"] = new JsonObject
                    {
                        ["state"] = "Terminated", ["exitCode"] = 137, ["detailStatus"] = "OOMKilled",
                        ["startTime"] = "2026-11-24T00:50:00Z", ["finishTime"] = "2026-11-24T00:55:00Z",
                    };
                }
            }
        }
    }

    private static bool IsMetricsPath(string path) => path.EndsWith(MetricsSuffix, StringComparison.OrdinalIgnoreCase);

    private (int, JsonNode?, Dictionary<string, string>) Metrics(RecordedRequest request)
    {
        string groups = $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/";
        if (request.Method != "GET" || !request.Path.StartsWith(groups, StringComparison.Ordinal))
        {
            return Error(405, "MethodNotAllowed", $"{request.Method} {request.Path}");
        }

        if (Interlocked.Decrement(ref _throttleMetrics) >= 0)
        {
            var throttled = Error(429, "TooManyRequests", "The request is being throttled.");
            throttled.Item3["Retry-After"] = "4";
            return throttled;
        }

        if (RejectNextMetrics is { } rejection)
        {
            RejectNextMetrics = null;
            return Error(rejection.Status, rejection.Code, rejection.Message);
        }

        string name = request.Path[groups.Length..^MetricsSuffix.Length];
        if (Group(name) is null)
        {
            return Error(404, "ResourceNotFound", $"The Resource 'Microsoft.ContainerInstance/containerGroups/{name}' was not found.");
        }

        Dictionary<string, StringValues> query = QueryHelpers.ParseQuery(request.Query);
        string? Parameter(string key) => query.TryGetValue(key, out StringValues value) ? value.ToString() : null;
        if (Parameter("metricnamespace") is { } metricNamespace && !metricNamespace.Equals("Microsoft.ContainerInstance/containerGroups", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "BadRequest", $"Metric namespace '{metricNamespace}' is not valid for this resource.");
        }

        string[] names = (Parameter("metricnames") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Any(n => !AciMetrics.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            return Error(400, "BadRequest", $"Failed to find metric configuration for provider: Microsoft.ContainerInstance, resource Type: containerGroups, metric: {string.Join(',', names)}.");
        }

        string[] aggregations = [.. (Parameter("aggregation") ?? "average").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant())];
        if (aggregations.Any(a => !Aggregations.Contains(a)))
        {
            return Error(400, "BadRequest", $"Invalid aggregation '{Parameter("aggregation")}'.");
        }

        string interval = Parameter("interval") ?? "PT1M";
        if (!TimeGrains.Contains(interval))
        {
            return Error(400, "BadRequest", $"Invalid time grain '{interval}': the metrics support {string.Join(", ", TimeGrains)}.");
        }

        string[] span = (Parameter("timespan") ?? "").Split('/');
        if (span.Length != 2 || !TryTime(span[0], out DateTimeOffset start) || !TryTime(span[1], out DateTimeOffset end) || start >= end)
        {
            return Error(400, "BadRequest", $"Invalid timespan '{Parameter("timespan")}': expected startDateTime_ISO/endDateTime_ISO, start before end.");
        }

        string? filter = Parameter("$filter");
        if (filter is not null && filter != "containerName eq '*'")
        {
            return Error(400, "BadRequest", $"This stub plays only $filter=containerName eq '*', not '{filter}'.");
        }

        TimeSpan grain = XmlConvert.ToTimeSpan(interval);
        var values = new JsonArray();
        foreach (string metric in names)
        {
            IDictionary<string, MetricPoint[]> series = _metricSeries.TryGetValue((name, metric), out var set) ? set : new Dictionary<string, MetricPoint[]>();
            IEnumerable<(string? Container, MetricPoint[] Points)> answered = filter is null
                ? series.Count == 0 ? [] : [(null, [.. series.Values.SelectMany(p => p).GroupBy(p => p.At).Select(g => new MetricPoint(g.Key, g.Average(p => p.Average), g.Max(p => p.Maximum)))])]
                : series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => ((string?)s.Key, s.Value));
            var timeseries = new JsonArray();
            foreach ((string? container, MetricPoint[] points) in answered)
            {
                timeseries.Add(new JsonObject
                {
                    ["metadatavalues"] = container is null ? new JsonArray()
                        : new JsonArray(new JsonObject { ["name"] = new JsonObject { ["value"] = "containername", ["localizedValue"] = "containername" }, ["value"] = container }),
                    ["data"] = Intervals(points, start, end, grain, aggregations),
                });
            }

            values.Add(new JsonObject
            {
                ["id"] = $"{GroupPath(name)}/providers/Microsoft.Insights/metrics/{metric}",
                ["type"] = "Microsoft.Insights/metrics",
                ["name"] = new JsonObject { ["value"] = metric, ["localizedValue"] = metric },
                ["unit"] = metric == "MemoryUsage" ? "Bytes" : "Count",
                ["timeseries"] = timeseries,
                ["errorCode"] = "Success",
            });
        }

        return (200, new JsonObject
        {
            ["cost"] = 0,
            ["timespan"] = Parameter("timespan"),
            ["interval"] = interval,
            ["value"] = values,
            ["namespace"] = "Microsoft.ContainerInstance/containerGroups",
            ["resourceregion"] = "westeurope",
        }, []);
    }

    /// <summary>Every interval of the span, from the one the start falls in; the minutes inside each rolled up.</summary>
    private static JsonArray Intervals(MetricPoint[] points, DateTimeOffset start, DateTimeOffset end, TimeSpan grain, string[] aggregations)
    {
        var data = new JsonArray();
        for (var at = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % grain.Ticks), TimeSpan.Zero); at < end; at += grain)
        {
            DateTimeOffset from = at;
            MetricPoint[] inside = [.. points.Where(p => p.At >= from && p.At < from + grain)];
            var point = new JsonObject { ["timeStamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
            if (inside.Length > 0 && aggregations.Contains("average"))
            {
                point["average"] = inside.Average(p => p.Average);
            }

            if (inside.Length > 0 && aggregations.Contains("maximum"))
            {
                point["maximum"] = inside.Max(p => p.Maximum);
            }

            data.Add(point);
        }

        return data;
    }

    private static bool TryTime(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at);
}
