using System.Globalization;
using System.Text.Json;
using Azure.Core;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>
/// Runs agents as Azure Container Instances container groups (one group, one container, named like the spec) in
/// the configured resource group, through ARM REST with a pinned api-version. Mapping of the runtime's verbs:
/// <list type="bullet">
/// <item><see cref="CreateAsync"/>: PUT the group and follow the operation to Succeeded, then POST <c>/stop</c>, so
/// nothing runs or is billed until <see cref="StartAsync"/> (ACI has no "create stopped"; the program runs for the
/// seconds between provisioning and the stop).</item>
/// <item><see cref="StartAsync"/>: POST <c>/start</c> (long-running), then tag the group started.</item>
/// <item><see cref="StopAsync"/>: POST <c>/stop</c>; ACI stops at once, so the grace period is not honoured.</item>
/// <item><see cref="DeleteAsync"/>: DELETE, following the operation; the logs go with the group.</item>
/// <item><see cref="GetMetricsAsync"/>: Azure Monitor's <c>CpuUsage</c> and <c>MemoryUsage</c> of the group
/// (<see cref="ContainerInstancesMetrics"/>), 1–3 minutes behind.</item>
/// </list>
/// </summary>
public sealed class ContainerInstancesRuntime : IContainerRuntime
{
    private readonly ContainerInstancesClient _client;
    private readonly ContainerInstancesOptions _options;
    private readonly TimeProvider _time;
    private readonly ContainerInstancesMetrics _metrics;

    /// <summary>Creates the runtime over <paramref name="client"/>.</summary>
    public ContainerInstancesRuntime(ContainerInstancesClient client, ContainerInstancesOptions options, TimeProvider? timeProvider = null)
    {
        _client = client;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new ContainerInstancesMetrics(client, _time);
    }

    /// <inheritdoc/>
    public async Task<ContainerInfo> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        spec.Validate();
        if (spec.Image is not { Length: > 0 })
        {
            throw new ArgumentException($"Container '{spec.Name}' has no image: Container Instances runs images (set AgentFactory:Provisioning:AgentImage).", nameof(spec));
        }

        if (spec.ReadOnlyMounts.Count > 0 || spec.WorkDirectory is not null)
        {
            throw new ArgumentException($"Container '{spec.Name}' mounts host directories; Container Instances cannot show this machine's directories inside a group.", nameof(spec));
        }

        string what = $"Creating container group '{spec.Name}'";
        string path = _client.GroupPath(spec.Name);
        if (await GetGroupAsync(spec.Name, cancellationToken) is { } existing)
        {
            using (existing)
            {
                if (ContainerGroupJson.Tags(existing.RootElement).GetValueOrDefault(ContainerGroupJson.SpecTag) != ContainerGroupJson.SpecHash(spec))
                {
                    throw new ContainerConflictException(
                        $"A container group named '{spec.Name}' already exists with a different spec: delete it first, or use another name.");
                }

                // A repeated create after a crash between PUT and stop still ends with the group provisioned and stopped.
                using JsonDocument settled = await SettleAsync(spec.Name, what, cancellationToken);
                await StopIfNeverStartedAsync(settled.RootElement, spec.Name, cancellationToken);
                return ContainerGroupJson.Info(settled.RootElement, spec.Name);
            }
        }

        ArmResponse put = await _client.SendAsync(RequestMethod.Put, path, ContainerGroupJson.Group(spec, _options, _time.GetUtcNow()), cancellationToken: cancellationToken);
        if (!put.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(put, what);
        }

        await _client.WaitForOperationAsync(put, what, cancellationToken);
        using JsonDocument group = await SettleAsync(spec.Name, what, cancellationToken);
        await StopIfNeverStartedAsync(group.RootElement, spec.Name, cancellationToken);
        return ContainerGroupJson.Info(group.RootElement, spec.Name);
    }

    /// <inheritdoc/>
    public async Task<ContainerInfo?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        using JsonDocument? group = await GetGroupAsync(name, cancellationToken);
        return group is null ? null : ContainerGroupJson.Info(group.RootElement, name);
    }

    /// <inheritdoc/>
    public async Task<ContainerStatus> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        ContainerStatus status = await GetStatusAsync(name, cancellationToken);
        if (status.State == ContainerState.Running)
        {
            return status;
        }

        string what = $"Starting container group '{name}'";
        ArmResponse start = await _client.SendAsync(RequestMethod.Post, _client.GroupPath(name) + "/start", cancellationToken: cancellationToken);
        if (start.Status == 404)
        {
            throw new ContainerNotFoundException(name);
        }

        if (!start.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(start, what);
        }

        await _client.WaitForOperationAsync(start, what, cancellationToken);
        await MarkStartedAsync(name, cancellationToken);
        return await GetStatusAsync(name, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ContainerStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default)
    {
        using JsonDocument group = await GetGroupAsync(name, cancellationToken) ?? throw new ContainerNotFoundException(name);
        return ContainerGroupJson.Status(group.RootElement, name);
    }

    /// <inheritdoc/>
    public async Task<ContainerStatus> WaitForExitAsync(string name, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ContainerStatus status = await GetStatusAsync(name, cancellationToken);
            if (status.State != ContainerState.Running)
            {
                return status;
            }

            await _client.DelayAsync(null, $"Waiting for container group '{name}' to exit", cancellationToken, cancellationToken);
        }
    }

    /// <summary>
    /// The container's log as Container Instances keeps it (4 MB while running, the last 16 KB or 1,000 lines after a
    /// stop), numbered from its first kept line; <paramref name="after"/> skips what the caller has read.
    /// </summary>
    public async Task<ContainerLogPage> GetLogsAsync(string name, long after = 0, int maxLines = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLines);
        ArmResponse logs = await _client.SendAsync(RequestMethod.Get, $"{_client.GroupPath(name)}/containers/{name}/logs", query: "&timestamps=true",
            cancellationToken: cancellationToken);
        if (logs.Status == 404)
        {
            throw new ContainerNotFoundException(name);
        }

        if (!logs.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(logs, $"Reading the log of container group '{name}'");
        }

        using JsonDocument json = logs.Json();
        string content = ArmResponse.Text(json.RootElement, "content") ?? "";
        string[] lines = content.Split('\n');
        int count = content.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        if (content.Length == 0)
        {
            count = 0;
        }

        var page = new List<ContainerLogLine>();
        for (long sequence = after + 1; sequence <= count && page.Count < maxLines; sequence++)
        {
            page.Add(Line(sequence, lines[sequence - 1].TrimEnd('\r')));
        }

        long cursor = page.Count > 0 ? page[^1].Sequence : Math.Min(after, count);
        return new ContainerLogPage(page, cursor, cursor < count);
    }

    /// <summary>
    /// CPU time and memory as Azure Monitor has them so far (it lags 1–3 minutes: right after a run its last minutes
    /// are missing, and a group younger than a minute reads as zeros); see <see cref="ContainerInstancesMetrics.ReadAsync"/>.
    /// </summary>
    public Task<ContainerMetrics> GetMetricsAsync(string name, CancellationToken cancellationToken = default) =>
        _metrics.ReadAsync(name, cancellationToken);

    /// <inheritdoc/>
    public async Task<ContainerStatus> StopAsync(string name, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        using (JsonDocument group = await GetGroupAsync(name, cancellationToken) ?? throw new ContainerNotFoundException(name))
        {
            ContainerStatus status = ContainerGroupJson.Status(group.RootElement, name);
            // A container that has exited may leave sidecars running in its group: those are stopped too.
            if (status.State != ContainerState.Running && !ContainerGroupJson.GroupRunning(group.RootElement))
            {
                return status;
            }
        }

        await PostStopAsync(name, cancellationToken);
        return await GetStatusAsync(name, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string name, bool keepLogs = false, CancellationToken cancellationToken = default)
    {
        string what = $"Deleting container group '{name}'";
        ArmResponse delete = await _client.SendAsync(RequestMethod.Delete, _client.GroupPath(name), cancellationToken: cancellationToken);
        if (delete.Status is 204 or 404)
        {
            return false;
        }

        if (!delete.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(delete, what);
        }

        await _client.WaitForOperationAsync(delete, what, cancellationToken);
        return true;
    }

    /// <summary>
    /// The region's Container Instances usage and limits (<c>GET …/locations/{location}/usages</c>), e.g.
    /// <c>ContainerGroups</c> and <c>StandardCores</c>; <paramref name="location"/> defaults to the configured one.
    /// </summary>
    public async Task<IReadOnlyList<ContainerInstancesUsage>> GetUsageAsync(string? location = null, CancellationToken cancellationToken = default)
    {
        string region = location is { Length: > 0 } ? location : _options.Location!;
        ArmResponse usage = await _client.SendAsync(RequestMethod.Get,
            $"/subscriptions/{_options.SubscriptionId}/providers/Microsoft.ContainerInstance/locations/{Uri.EscapeDataString(region)}/usages",
            cancellationToken: cancellationToken);
        if (!usage.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(usage, $"Reading Container Instances usage in {region}");
        }

        using JsonDocument json = usage.Json();
        var result = new List<ContainerInstancesUsage>();
        if (json.RootElement.TryGetProperty("value", out JsonElement values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in values.EnumerateArray())
            {
                string? usageName = item.TryGetProperty("name", out JsonElement n) ? ArmResponse.Text(n, "value") : null;
                if (usageName is not null && item.TryGetProperty("currentValue", out JsonElement current) && item.TryGetProperty("limit", out JsonElement limit))
                {
                    result.Add(new ContainerInstancesUsage(usageName, current.GetInt64(), limit.GetInt64(), ArmResponse.Text(item, "unit")));
                }
            }
        }

        return result;
    }

    private async Task<JsonDocument?> GetGroupAsync(string name, CancellationToken cancellationToken)
    {
        if (!ContainerSpec.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid container name.", nameof(name));
        }

        ArmResponse get = await _client.SendAsync(RequestMethod.Get, _client.GroupPath(name), cancellationToken: cancellationToken);
        return get.Status == 404 ? null
            : get.IsSuccess ? get.Json()
            : throw ContainerInstancesClient.Failure(get, $"Reading container group '{name}'");
    }

    /// <summary>The group once its provisioning state is final; a Failed group throws, naming ACI's reason.</summary>
    private async Task<JsonDocument> SettleAsync(string name, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        while (true)
        {
            JsonDocument group = await GetGroupAsync(name, timeout.Token) ?? throw new ContainerInstancesException($"{what}: the group disappeared while it was provisioned.");
            string? state = ContainerGroupJson.ProvisioningState(group.RootElement);
            if (state == "Succeeded")
            {
                return group;
            }

            if (ContainerGroupJson.IsTerminal(state))
            {
                ContainerStatus status = ContainerGroupJson.Status(group.RootElement, name);
                group.Dispose();
                throw new ContainerInstancesException(0, state, $"{what}: provisioning ended {state}: {status.Message}");
            }

            group.Dispose();
            await _client.DelayAsync(null, what, timeout.Token, cancellationToken);
        }
    }

    private async Task StopIfNeverStartedAsync(JsonElement group, string name, CancellationToken cancellationToken)
    {
        if (ContainerGroupJson.Tags(group).GetValueOrDefault(ContainerGroupJson.StartedTag) != "true")
        {
            await PostStopAsync(name, cancellationToken);
        }
    }

    private async Task PostStopAsync(string name, CancellationToken cancellationToken)
    {
        ArmResponse stop = await _client.SendAsync(RequestMethod.Post, _client.GroupPath(name) + "/stop", cancellationToken: cancellationToken);
        if (stop.Status == 404)
        {
            throw new ContainerNotFoundException(name);
        }

        if (!stop.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(stop, $"Stopping container group '{name}'");
        }
    }

    /// <summary>PATCH updates tags only (ACI's Update operation); the other tags must be sent again or they are dropped.</summary>
    private async Task MarkStartedAsync(string name, CancellationToken cancellationToken)
    {
        using JsonDocument group = await GetGroupAsync(name, cancellationToken) ?? throw new ContainerNotFoundException(name);
        Dictionary<string, string> tags = ContainerGroupJson.Tags(group.RootElement);
        if (tags.GetValueOrDefault(ContainerGroupJson.StartedTag) == "true")
        {
            return;
        }

        tags[ContainerGroupJson.StartedTag] = "true";
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, Dictionary<string, string>> { ["tags"] = tags });
        ArmResponse patch = await _client.SendAsync(RequestMethod.Patch, _client.GroupPath(name), body, cancellationToken: cancellationToken);
        if (!patch.IsSuccess)
        {
            throw ContainerInstancesClient.Failure(patch, $"Tagging container group '{name}' as started");
        }
    }

    private ContainerLogLine Line(long sequence, string text)
    {
        // With timestamps=true each line starts with an RFC 3339 time and a space.
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && DateTimeOffset.TryParse(text.AsSpan(0, space), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at))
        {
            return new ContainerLogLine(sequence, at, ContainerLogStream.StandardOutput, text[(space + 1)..]);
        }

        return new ContainerLogLine(sequence, _time.GetUtcNow(), ContainerLogStream.StandardOutput, text);
    }
}

/// <summary>One line of the region's Container Instances usage: e.g. <c>StandardCores</c> 12 of 100.</summary>
public sealed record ContainerInstancesUsage(string Name, long CurrentValue, long Limit, string? Unit)
{
    /// <summary>What is left under the limit (never negative).</summary>
    public long Available => Math.Max(0, Limit - CurrentValue);
}
