using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Json;

/// <summary>Reads the template-specific settings; the <c>kind</c> property says which shape to expect.</summary>
internal static class SettingsReader
{
    public static TemplateSettings? Read(ObjectReader? o)
    {
        var kind = o?.Enum<TemplateCategory>(TemplateSettings.KindProperty, true, "The settings kind");
        if (o is null || kind is null)
        {
            // Without a kind the other properties cannot be judged; their problems would only be noise.
            return null;
        }

        TemplateSettings settings = kind.Value switch
        {
            TemplateCategory.Memory => new MemorySettings
            {
                MemoryType = o.Enum<MemoryType>("memoryType", true, "The memory type") ?? (MemoryType)(-1),
                RetentionDays = o.Int("retentionDays", true, "Retention days") ?? 0,
                MaxContextSize = o.Int("maxContextSize", true, "The max context size") ?? 0,
            },
            TemplateCategory.Orchestration => new OrchestrationSettings
            {
                MaxParallelSteps = o.Int("maxParallelSteps", true, "Max parallel steps") ?? 0,
                StepTimeoutSeconds = o.Int("stepTimeoutSeconds", true, "The step timeout") ?? 0,
                MaxRetries = o.Int("maxRetries", true, "Max retries") ?? -1,
            },
            TemplateCategory.Api => new ApiSettings
            {
                BaseUrl = o.String("baseUrl", true, "The base URL")!,
                Auth = ReadAuth(o.Object("auth", true, "Authentication"))!,
                TimeoutSeconds = o.Int("timeoutSeconds", true, "The timeout") ?? 0,
                RateLimitPerSecond = o.Double("rateLimitPerSecond", true, "The API rate limit") ?? 0,
            },
            TemplateCategory.Data => new DataSettings
            {
                InputFormat = o.Enum<DataFormat>("inputFormat", true, "The input format") ?? (DataFormat)(-1),
                OutputFormat = o.Enum<DataFormat>("outputFormat", true, "The output format") ?? (DataFormat)(-1),
                BatchSize = o.Int("batchSize", true, "The batch size") ?? 0,
                Schedule = o.String("schedule", false, "The schedule"),
            },
            TemplateCategory.Monitoring => ReadMonitoring(o),
            _ => new CustomSettings { Properties = ReadProperties(o) },
        };
        o.Finish();
        return settings;
    }

    private static ApiAuth? ReadAuth(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var auth = new ApiAuth
        {
            Scheme = o.Enum<ApiAuthScheme>("scheme", true, "The auth scheme") ?? (ApiAuthScheme)(-1),
            SecretName = o.String("secretName", false, "The secret name"),
            HeaderName = o.String("headerName", false, "The header name"),
        };
        o.Finish();
        return auth;
    }

    private static MonitoringSettings ReadMonitoring(ObjectReader o) => new()
    {
        Targets = o.Array("targets", true, "Targets", (item, pointer) => ReadTarget(ObjectReader.From(item, pointer, o.Problems, "A target")))!,
        IntervalSeconds = o.Int("intervalSeconds", true, "The interval") ?? 0,
        Thresholds = ReadThresholds(o.Object("thresholds", true, "Thresholds"))!,
        AlertChannel = ReadChannel(o.Object("alertChannel", true, "The alert channel"))!,
    };

    private static MonitoringTarget? ReadTarget(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var target = new MonitoringTarget
        {
            Name = o.String("name", true, "The target name")!,
            Url = o.String("url", true, "The target URL")!,
            ExpectedStatus = o.Int("expectedStatus", false, "The expected status") ?? 200,
        };
        o.Finish();
        return target;
    }

    private static MonitoringThresholds? ReadThresholds(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var thresholds = new MonitoringThresholds
        {
            LatencyMs = o.Int("latencyMs", true, "The latency threshold") ?? 0,
            ConsecutiveFailures = o.Int("consecutiveFailures", true, "Consecutive failures") ?? 0,
        };
        o.Finish();
        return thresholds;
    }

    private static AlertChannel? ReadChannel(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var channel = new AlertChannel
        {
            Kind = o.Enum<AlertChannelKind>("kind", true, "The alert channel kind") ?? (AlertChannelKind)(-1),
            Target = o.String("target", false, "The alert target"),
        };
        o.Finish();
        return channel;
    }

    private static Dictionary<string, string> ReadProperties(ObjectReader o)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var properties = o.Object("properties", false, "Properties");
        if (properties is null)
        {
            return result;
        }

        foreach (var property in properties.RawProperties())
        {
            var value = ObjectReader.ReadString(property.Value, properties.At(property.Name), o.Problems, $"Property '{ObjectReader.Shorten(property.Name)}'");
            if (value is not null)
            {
                // JSON allows a key twice in a free-form object; the last value wins, as in System.Text.Json.
                result[property.Name] = value;
            }
        }

        return result;
    }
}
