using System.Text.RegularExpressions;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Monitoring settings and the format helpers shared by all kinds.</summary>
internal static partial class SettingsRules
{
    private static void Monitoring(MonitoringSettings monitoring, ProblemList problems)
    {
        Targets(monitoring.Targets, problems);
        Range(problems, "/intervalSeconds", "The check interval (seconds)", monitoring.IntervalSeconds, MonitoringSettings.MinIntervalSeconds, MonitoringSettings.MaxIntervalSeconds);
        if (monitoring.Thresholds is null)
        {
            problems.Required(Pointer + "/thresholds", "Thresholds");
        }
        else
        {
            Range(problems, "/thresholds/latencyMs", "The latency threshold (ms)", monitoring.Thresholds.LatencyMs, 1, 60_000);
            Range(problems, "/thresholds/consecutiveFailures", "Consecutive failures before an alert", monitoring.Thresholds.ConsecutiveFailures, 1, 20);
        }

        AlertChannel(monitoring.AlertChannel, problems);
    }

    private static void Targets(IReadOnlyList<MonitoringTarget>? targets, ProblemList problems)
    {
        const string pointer = Pointer + "/targets";
        if (targets is null)
        {
            problems.Required(pointer, "Targets");
            return;
        }

        if (targets.Count is 0 or > MonitoringSettings.MaxTargets)
        {
            problems.Add(pointer, ValidationCodes.SettingsTargetsCount, $"Give 1–{MonitoringSettings.MaxTargets} targets to check; there are {targets.Count}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Count; i++)
        {
            var at = JsonPointer.Append(pointer, i);
            if (targets[i] is not { } target)
            {
                problems.Required(at, "A target");
                continue;
            }

            if (target.Name is null)
            {
                problems.Required(at + "/name", "The target name");
            }
            else if (!TargetNamePattern().IsMatch(target.Name))
            {
                problems.Add(at + "/name", ValidationCodes.SettingsTargetName, $"Target name {Text.Quote(target.Name)} must be a lowercase letter followed by up to 62 lowercase letters, digits or hyphens.");
            }
            else if (!names.Add(target.Name))
            {
                problems.Add(at + "/name", ValidationCodes.SettingsTargetDuplicate, $"Target name {Text.Quote(target.Name)} is used twice; names identify alerts.");
            }

            Url(problems, $"/targets/{i}/url", "The target URL", target.Url, httpsOnly: false);
            Range(problems, $"/targets/{i}/expectedStatus", "The expected status", target.ExpectedStatus, 100, 599);
        }
    }

    private static void AlertChannel(AlertChannel? channel, ProblemList problems)
    {
        const string pointer = Pointer + "/alertChannel";
        if (channel is null)
        {
            problems.Required(pointer, "The alert channel");
            return;
        }

        var target = channel.Target;
        var problem = channel.Kind switch
        {
            AlertChannelKind.Log when target is not null => "The log channel takes no target; remove it.",
            AlertChannelKind.Webhook when !IsUrl(target, httpsOnly: true) => "A webhook channel needs an https URL as its target.",
            AlertChannelKind.Email when target is null || target.Length > 254 || !EmailPattern().IsMatch(target) => "An email channel needs an e-mail address as its target.",
            _ => null,
        };
        if (!Enum.IsDefined(channel.Kind))
        {
            problems.Add(pointer + "/kind", ValidationCodes.EnumUndefined, "The alert channel kind must be log, webhook or email.");
        }
        else if (problem is not null)
        {
            problems.Add(pointer + "/target", ValidationCodes.SettingsAlertTarget, problem);
        }
    }

    private static void Range(ProblemList problems, string relative, string what, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add(Pointer + relative, ValidationCodes.SettingsRange,
                $"{what} must be {Text.Number(min)}–{Text.Number(max)}; it is {Text.Number(value)}.");
        }
    }

    private static void Url(ProblemList problems, string relative, string what, string? url, bool httpsOnly)
    {
        if (url is null)
        {
            problems.Required(Pointer + relative, what);
        }
        else if (!IsUrl(url, httpsOnly))
        {
            problems.Add(Pointer + relative, ValidationCodes.SettingsUrl, $"{what} {Text.Quote(url)} must be an absolute {(httpsOnly ? "https" : "http or https")} URL.");
        }
    }

    private static bool IsUrl(string? url, bool httpsOnly) =>
        url is { Length: <= 2048 } &&
        Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || (!httpsOnly && uri.Scheme == Uri.UriSchemeHttp)) &&
        uri.Host.Length > 0;

    private static bool IsHeaderName(string header) => header.Length <= 64 && HeaderNamePattern().IsMatch(header);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetNamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyKeyPattern();
}
