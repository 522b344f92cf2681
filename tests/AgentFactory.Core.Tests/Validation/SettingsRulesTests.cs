using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class SettingsRulesTests
{
    private static ValidationResult Validate<T>(string template, Func<T, TemplateSettings> change)
        where T : TemplateSettings
    {
        var configuration = Domain.Default(template);
        return Domain.Rules().Validate(configuration with { Settings = change((T)configuration.Settings) });
    }

    [Fact]
    public void Validate_SettingsOfAnotherKind_ReportsKindMismatch()
    {
        var configuration = Domain.Default("tmpl-memory") with { Settings = Domain.Default("tmpl-data").Settings };

        Domain.AssertSingle(Domain.Rules().Validate(configuration), ValidationCodes.SettingsKindMismatch, "/settings/kind");
    }

    [Theory]
    [InlineData(0, 10_000, "/settings/retentionDays")]
    [InlineData(3651, 10_000, "/settings/retentionDays")]
    [InlineData(30, 255, "/settings/maxContextSize")]
    [InlineData(30, 1_000_001, "/settings/maxContextSize")]
    public void Validate_MemoryOutOfRange_ReportsRange(int retention, int context, string pointer)
    {
        var result = Validate<MemorySettings>("tmpl-memory", s => s with { RetentionDays = retention, MaxContextSize = context });

        Domain.AssertSingle(result, ValidationCodes.SettingsRange, pointer);
    }

    [Theory]
    [InlineData(0, 60, 2, "/settings/maxParallelSteps")]
    [InlineData(33, 60, 2, "/settings/maxParallelSteps")]
    [InlineData(4, 0, 2, "/settings/stepTimeoutSeconds")]
    [InlineData(4, 3601, 2, "/settings/stepTimeoutSeconds")]
    [InlineData(4, 60, -1, "/settings/maxRetries")]
    [InlineData(4, 60, 11, "/settings/maxRetries")]
    public void Validate_OrchestrationOutOfRange_ReportsRange(int parallel, int timeout, int retries, string pointer)
    {
        var result = Validate<OrchestrationSettings>("tmpl-orchestration", s => s with { MaxParallelSteps = parallel, StepTimeoutSeconds = timeout, MaxRetries = retries });

        Domain.AssertSingle(result, ValidationCodes.SettingsRange, pointer);
    }

    [Theory]
    [InlineData("api.example.com")]
    [InlineData("ftp://files.example.com")]
    [InlineData("/relative/path")]
    [InlineData("https://")]
    public void Validate_ApiBaseUrlNotHttp_ReportsUrl(string url)
    {
        Domain.AssertSingle(Validate<ApiSettings>("tmpl-api", s => s with { BaseUrl = url }), ValidationCodes.SettingsUrl, "/settings/baseUrl");
    }

    [Fact]
    public void Validate_ApiAuthSecret_MustBeADeclaredSecretVariable()
    {
        var configuration = Domain.Default("tmpl-api");
        var notSecret = configuration.Advanced with { Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = "x" }] };

        Domain.AssertSingle(Domain.Rules().Validate(configuration with { Advanced = notSecret }), ValidationCodes.SettingsAuthSecretNotDeclared, "/settings/auth/secretName");
        Domain.AssertSingle(Validate<ApiSettings>("tmpl-api", s => s with { Auth = s.Auth with { SecretName = null } }), ValidationCodes.SettingsAuthSecretRequired, "/settings/auth/secretName");
        Domain.AssertValid(Validate<ApiSettings>("tmpl-api", s => s with { Auth = new ApiAuth { Scheme = ApiAuthScheme.None } }));
    }

    [Fact]
    public void Validate_ApiKeyHeaderName_MustBeAToken()
    {
        ValidationResult WithHeader(string header) =>
            Validate<ApiSettings>("tmpl-api", s => s with { Auth = s.Auth with { Scheme = ApiAuthScheme.ApiKey, HeaderName = header } });

        Domain.AssertValid(WithHeader("X-Api-Key"));
        Domain.AssertSingle(WithHeader("X Api Key"), ValidationCodes.SettingsAuthHeaderName, "/settings/auth/headerName");
    }

    [Theory]
    [InlineData(0, 30.0, "/settings/timeoutSeconds")]
    [InlineData(301, 30.0, "/settings/timeoutSeconds")]
    [InlineData(30, 0.0, "/settings/rateLimitPerSecond")]
    [InlineData(30, 1000.1, "/settings/rateLimitPerSecond")]
    public void Validate_ApiNumbersOutOfRange_ReportsRange(int timeout, double rate, string pointer)
    {
        Domain.AssertSingle(Validate<ApiSettings>("tmpl-api", s => s with { TimeoutSeconds = timeout, RateLimitPerSecond = rate }), ValidationCodes.SettingsRange, pointer);
    }

    [Theory]
    [InlineData("0 2 * * *", true)]
    [InlineData("*/15 8-18 * * 1-5", true)]
    [InlineData("0,30 0 1 1,6 0", true)]
    [InlineData("0 2 * *", false)]
    [InlineData("60 2 * * *", false)]
    [InlineData("0 24 * * *", false)]
    [InlineData("0 2 0 * *", false)]
    [InlineData("0 2 * 13 *", false)]
    [InlineData("0 2 * * MON", false)]
    [InlineData("5-1 * * * *", false)]
    [InlineData("*/0 * * * *", false)]
    [InlineData("", false)]
    public void Validate_DataSchedule_AcceptsFiveFieldNumericCron(string schedule, bool valid)
    {
        var result = Validate<DataSettings>("tmpl-data", s => s with { Schedule = schedule });

        if (valid)
        {
            Domain.AssertValid(result);
        }
        else
        {
            Domain.AssertSingle(result, ValidationCodes.SettingsScheduleFormat, "/settings/schedule");
        }
    }

    [Fact]
    public void Validate_DataBatchSize_Bounded()
    {
        Domain.AssertSingle(Validate<DataSettings>("tmpl-data", s => s with { BatchSize = 0 }), ValidationCodes.SettingsRange, "/settings/batchSize");
        Domain.AssertValid(Validate<DataSettings>("tmpl-data", s => s with { BatchSize = 100_000, Schedule = null }));
    }

    [Fact]
    public void Validate_MonitoringTargets_CountNamesUrlsAndStatus()
    {
        var ok = new MonitoringTarget { Name = "api", Url = "https://api.example.com/health" };

        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Targets = [] }), ValidationCodes.SettingsTargetsCount, "/settings/targets");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Targets = [ok, ok with { Name = "Web" }] }), ValidationCodes.SettingsTargetName, "/settings/targets/1/name");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Targets = [ok, ok] }), ValidationCodes.SettingsTargetDuplicate, "/settings/targets/1/name");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Targets = [ok with { Url = "not a url" }] }), ValidationCodes.SettingsUrl, "/settings/targets/0/url");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Targets = [ok with { ExpectedStatus = 99 }] }), ValidationCodes.SettingsRange, "/settings/targets/0/expectedStatus");
    }

    [Fact]
    public void Validate_MonitoringIntervalAndThresholds_Bounded()
    {
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { IntervalSeconds = 5 }), ValidationCodes.SettingsRange, "/settings/intervalSeconds");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Thresholds = s.Thresholds with { LatencyMs = 0 } }), ValidationCodes.SettingsRange, "/settings/thresholds/latencyMs");
        Domain.AssertSingle(Validate<MonitoringSettings>("tmpl-monitoring", s => s with { Thresholds = s.Thresholds with { ConsecutiveFailures = 21 } }), ValidationCodes.SettingsRange, "/settings/thresholds/consecutiveFailures");
    }

    [Theory]
    [InlineData(AlertChannelKind.Log, null, true)]
    [InlineData(AlertChannelKind.Log, "ops@example.com", false)]
    [InlineData(AlertChannelKind.Webhook, "https://hooks.example.com/alerts", true)]
    [InlineData(AlertChannelKind.Webhook, "http://hooks.example.com/alerts", false)]
    [InlineData(AlertChannelKind.Webhook, null, false)]
    [InlineData(AlertChannelKind.Email, "ops@example.com", true)]
    [InlineData(AlertChannelKind.Email, "ops.example.com", false)]
    public void Validate_AlertChannelTarget_FitsItsKind(AlertChannelKind kind, string? target, bool valid)
    {
        var result = Validate<MonitoringSettings>("tmpl-monitoring", s => s with { AlertChannel = new AlertChannel { Kind = kind, Target = target } });

        if (valid)
        {
            Domain.AssertValid(result);
        }
        else
        {
            Domain.AssertSingle(result, ValidationCodes.SettingsAlertTarget, "/settings/alertChannel/target");
        }
    }

    [Fact]
    public void Validate_CustomProperties_KeysValuesAndCount()
    {
        Domain.AssertValid(Validate<CustomSettings>("tmpl-blank", s => s with { Properties = new Dictionary<string, string> { ["model.name"] = "gpt", ["retry_count"] = "3" } }));
        Domain.AssertSingle(Validate<CustomSettings>("tmpl-blank", s => s with { Properties = new Dictionary<string, string> { ["a/b"] = "x" } }), ValidationCodes.SettingsPropertyKey, "/settings/properties/a~1b");
        Domain.AssertSingle(Validate<CustomSettings>("tmpl-blank", s => s with { Properties = new Dictionary<string, string> { ["big"] = new string('x', 1025) } }), ValidationCodes.SettingsPropertyValue, "/settings/properties/big");
        var many = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");
        Domain.AssertSingle(Validate<CustomSettings>("tmpl-blank", s => s with { Properties = many }), ValidationCodes.SettingsPropertiesCount, "/settings/properties");
    }
}
