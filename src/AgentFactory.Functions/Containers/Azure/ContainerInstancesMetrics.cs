using System.Globalization;
using System.Text.Json;
using System.Xml;
using Azure.Core;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>
/// A container group's CPU and memory as Azure Monitor's platform metrics for Container Instances report them
/// (<c>CpuUsage</c> in millicores and <c>MemoryUsage</c> in bytes, per minute, split by <c>containerName</c>), read
/// through ARM (<c>GET {group}/providers/Microsoft.Insights/metrics</c>, api-version <see cref="ApiVersion"/>) with the
/// runtime's client, so the same credential, throttling and errors apply. The group's instance view gives the
/// out-of-memory kills, which Monitor does not count.
/// </summary>
/// <remarks>
/// Monitor publishes a minute 1–3 minutes after it ends, so the figures are what Monitor has so far: read right after
/// a run, the run's last minutes are missing, and a group younger than a minute has no data at all (zeros, not an
/// error). The CPU time is therefore a lower bound until the lag has passed, and the peak is the highest per-minute
/// maximum Monitor sampled, not every spike cgroups would see.
/// </remarks>
internal sealed class ContainerInstancesMetrics
{
    /// <summary>
    /// The Azure Monitor api-version the metrics request names. Pinned like the Container Instances one: the query
    /// parameters and the answer (<c>value[].name.value</c>, <c>timeseries[].data[].{timeStamp,average,maximum}</c>)
    /// are read as the 2023-10-01 spec of Metrics - List defines them.
    /// </summary>
    public const string ApiVersion = "2023-10-01";

    /// <summary>The metric namespace of container groups.</summary>
    public const string Namespace = "Microsoft.ContainerInstance/containerGroups";

    /// <summary>CPU use of all cores, in millicores (Monitor's unit says Count; the description says millicores).</summary>
    public const string CpuUsage = "CpuUsage";

    /// <summary>Memory in use, in bytes.</summary>
    public const string MemoryUsage = "MemoryUsage";

    /// <summary>How long Monitor keeps platform metrics: nothing older can be asked for.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(93);

    private readonly ContainerInstancesClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the reader over the runtime's <paramref name="client"/>.</summary>
    public ContainerInstancesMetrics(ContainerInstancesClient client, TimeProvider timeProvider)
    {
        _client = client;
        _time = timeProvider;
    }

    /// <summary>
    /// The group's resource use since the runtime created it (its <c>agentfactory-created</c> tag, else the earliest
    /// start its containers report): CPU time = Σ average millicores / 1000 × the interval's seconds, over every
    /// interval and container; peak memory = the highest per-interval maximum (summed over the containers of the same
    /// interval); memory now = the latest average of each container while the group runs, 0 once it is not running;
    /// out-of-memory kills = the current and previous states of its containers whose detail names OOM (the instance
    /// view keeps no older ones). Throws <see cref="ContainerNotFoundException"/> when the group does not exist.
    /// </summary>
    public async Task<ContainerMetrics> ReadAsync(string name, CancellationToken cancellationToken)
    {
        if (!ContainerSpec.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid container name.", nameof(name));
        }

        string path = _client.GroupPath(name);
        ArmResponse get = await _client.SendAsync(RequestMethod.Get, path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (get.Status == 404)
        {
            throw new ContainerNotFoundException(name);
        }

        if (!get.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(get, $"Reading container group '{name}'");
        }

        using JsonDocument group = get.Json();
        DateTimeOffset now = _time.GetUtcNow();
        bool running = ContainerGroupJson.Status(group.RootElement, name).State == ContainerState.Running;
        long oomKills = OomKills(group.RootElement);
        var nothingYet = new ContainerMetrics(TimeSpan.Zero, 0, 0, oomKills, now);
        if (Since(group.RootElement) is not { } since)
        {
            return nothingYet;
        }

        // A day of minutes is 1,440 points a series; anything longer is asked by the hour to keep answers small.
        DateTimeOffset start = since > now - Retention ? since : now - Retention;
        TimeSpan grain = now - start <= TimeSpan.FromDays(1) ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
        // Monitor's intervals start on whole minutes (hours): the one the group was created in must be inside the span.
        var from = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % grain.Ticks), TimeSpan.Zero);
        var to = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        if (from >= to)
        {
            return nothingYet;
        }

        ArmResponse answer = await _client.GetAsync(path + "/providers/Microsoft.Insights/metrics", ApiVersion, Query(from, to, grain), cancellationToken)
            .ConfigureAwait(false);
        if (answer.Status == 404)
        {
            throw new ContainerNotFoundException(name);
        }

        if (!answer.IsSuccess)
        {
            string what = $"Reading the Azure Monitor metrics of container group '{name}'"
                + (answer.Status == 403 ? " (the app's identity needs Microsoft.Insights/metrics/read on the agents' resource group)" : "");
            throw ContainerInstancesClient.Failure(answer, what);
        }

        using JsonDocument metrics = answer.Json();
        return Totals(metrics.RootElement, grain, running, oomKills, now);
    }

    /// <summary>
    /// Both metrics, average and maximum, one series per container (<c>containerName eq '*'</c>: unsplit, Monitor would
    /// average the containers of a group instead of adding them up).
    /// </summary>
    private static string Query(DateTimeOffset from, DateTimeOffset to, TimeSpan grain) =>
        $"&metricnamespace={Uri.EscapeDataString(Namespace)}&metricnames={CpuUsage},{MemoryUsage}&aggregation=Average,Maximum"
        + $"&interval={XmlConvert.ToString(grain)}&timespan={Uri.EscapeDataString(Time(from) + "/" + Time(to))}"
        + $"&$filter={Uri.EscapeDataString("containerName eq '*'")}";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static ContainerMetrics Totals(JsonElement root, TimeSpan grain, bool running, long oomKills, DateTimeOffset now)
    {
        // Monitor says which interval it used; it is the one asked for unless it adjusted it.
        if (ArmResponse.Text(root, "interval") is { } interval && TryDuration(interval) is { } answered)
        {
            grain = answered;
        }

        double cpuSeconds = 0;
        double memoryNow = 0;
        var memoryByInterval = new Dictionary<DateTimeOffset, double>();
        foreach (JsonElement metric in Items(root, "value"))
        {
            string? metricName = ArmResponse.Text(Get(metric, "name"), "value");
            bool cpu = string.Equals(metricName, CpuUsage, StringComparison.OrdinalIgnoreCase);
            bool memory = string.Equals(metricName, MemoryUsage, StringComparison.OrdinalIgnoreCase);
            foreach (JsonElement series in Items(metric, "timeseries"))
            {
                double? lastAverage = null;
                foreach (JsonElement point in Items(series, "data"))
                {
                    // An interval without samples comes back with its timeStamp only.
                    double? average = Number(point, "average");
                    if (cpu && average is { } millicores)
                    {
                        cpuSeconds += millicores / 1000 * grain.TotalSeconds;
                    }

                    if (memory && (Number(point, "maximum") ?? average) is { } bytes && StampOf(point) is { } at)
                    {
                        memoryByInterval[at] = memoryByInterval.GetValueOrDefault(at) + bytes;
                    }

                    if (memory && average is not null)
                    {
                        lastAverage = average;
                    }
                }

                memoryNow += lastAverage ?? 0;
            }
        }

        long peak = memoryByInterval.Count == 0 ? 0 : (long)Math.Round(memoryByInterval.Values.Max());
        return new ContainerMetrics(TimeSpan.FromSeconds(cpuSeconds), running ? (long)Math.Round(memoryNow) : 0, peak, oomKills, now);
    }

    /// <summary>When the runtime created the group; for a group made elsewhere, the earliest start of its containers.</summary>
    private static DateTimeOffset? Since(JsonElement group)
    {
        if (ContainerGroupJson.Tags(group).GetValueOrDefault(ContainerGroupJson.CreatedTag) is { } created
            && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at))
        {
            return at;
        }

        return States(group)
            .Select(s => ArmResponse.Text(s, "startTime") is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset start) ? start : (DateTimeOffset?)null)
            .Where(s => s is not null)
            .Min();
    }

    /// <summary>ACI reports a kill for memory as a detail like <c>OOMKilled</c> on the run's state.</summary>
    private static long OomKills(JsonElement group) =>
        States(group).LongCount(s => ArmResponse.Text(s, "detailStatus")?.Contains("OOM", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The current and previous state of every container of the group.</summary>
    private static IEnumerable<JsonElement> States(JsonElement group) =>
        Items(Get(group, "properties"), "containers")
            .Select(c => Get(Get(c, "properties"), "instanceView"))
            .SelectMany(view => new[] { Get(view, "currentState"), Get(view, "previousState") })
            .Where(s => s.ValueKind == JsonValueKind.Object);

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) ? value : default;

    private static double? Number(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : null;

    private static DateTimeOffset? StampOf(JsonElement point) =>
        ArmResponse.Text(point, "timeStamp") is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at) ? at : null;

    private static TimeSpan? TryDuration(string text)
    {
        try
        {
            TimeSpan duration = XmlConvert.ToTimeSpan(text);
            return duration > TimeSpan.Zero ? duration : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
