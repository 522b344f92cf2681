using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>Where a monitoring agent sends alerts.</summary>
public enum AlertChannelKind
{
    /// <summary>The agent's own log (and deployment events); no target.</summary>
    Log,
    /// <summary>An HTTPS webhook that receives a JSON POST.</summary>
    Webhook,
    /// <summary>An e-mail address.</summary>
    Email,
}

/// <summary>An alert channel.</summary>
public sealed record AlertChannel
{
    /// <summary>The channel kind.</summary>
    public required AlertChannelKind Kind { get; init; }

    /// <summary>The webhook URL (https) or e-mail address; null for <see cref="AlertChannelKind.Log"/>.</summary>
    public string? Target { get; init; }
}

/// <summary>One endpoint a monitoring agent checks.</summary>
public sealed record MonitoringTarget
{
    /// <summary>A short name, <c>[a-z][a-z0-9-]{0,62}</c>, unique within the agent.</summary>
    public required string Name { get; init; }

    /// <summary>Absolute http(s) URL.</summary>
    public required string Url { get; init; }

    /// <summary>The status code that means healthy (100–599).</summary>
    public int ExpectedStatus { get; init; } = 200;
}

/// <summary>When a check counts as failed and when an alert fires.</summary>
public sealed record MonitoringThresholds
{
    /// <summary>A response slower than this (ms, 1–60,000) is a failed check.</summary>
    public required int LatencyMs { get; init; }

    /// <summary>Consecutive failed checks of one target that raise an alert (1–20).</summary>
    public required int ConsecutiveFailures { get; init; }
}

/// <summary>Settings of a monitoring agent (HTTP health checks, consecutive-failure alerting).</summary>
public sealed record MonitoringSettings : TemplateSettings
{
    /// <summary>Most targets one agent checks.</summary>
    public const int MaxTargets = 20;
    /// <summary>Shortest check interval.</summary>
    public const int MinIntervalSeconds = 10;
    /// <summary>Longest check interval (one day).</summary>
    public const int MaxIntervalSeconds = 86_400;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Monitoring;

    /// <summary>The endpoints to check (1–20).</summary>
    public IReadOnlyList<MonitoringTarget> Targets { get; init; } = [];

    /// <summary>Seconds between two rounds of checks (10–86,400).</summary>
    public required int IntervalSeconds { get; init; }

    /// <summary>Latency and consecutive-failure thresholds.</summary>
    public required MonitoringThresholds Thresholds { get; init; }

    /// <summary>Where alerts go.</summary>
    public required AlertChannel AlertChannel { get; init; }
}
