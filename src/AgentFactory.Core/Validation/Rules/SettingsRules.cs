using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>The template-specific settings: the right kind for the template, then each kind's ranges and formats.</summary>
internal static partial class SettingsRules
{
    private const string Pointer = "/settings";

    public static void Check(AgentConfiguration configuration, AgentTemplate? template, ProblemList problems)
    {
        var settings = configuration.Settings;
        if (settings is null)
        {
            problems.Required(Pointer, "Settings");
            return;
        }

        if (template is not null && settings.Category != template.Category)
        {
            problems.Add(Pointer + "/kind", ValidationCodes.SettingsKindMismatch,
                $"The {template.Name} takes settings of kind '{Json.EnumNames.Of(template.Category)}', not '{Json.EnumNames.Of(settings.Category)}'.");
            return;
        }

        switch (settings)
        {
            case MemorySettings memory:
                Memory(memory, problems);
                break;
            case OrchestrationSettings orchestration:
                Range(problems, "/maxParallelSteps", "Max parallel steps", orchestration.MaxParallelSteps, 1, OrchestrationSettings.MaxParallelStepsLimit);
                Range(problems, "/stepTimeoutSeconds", "The step timeout (seconds)", orchestration.StepTimeoutSeconds, 1, OrchestrationSettings.MaxStepTimeoutSeconds);
                Range(problems, "/maxRetries", "Max retries", orchestration.MaxRetries, 0, OrchestrationSettings.MaxRetriesLimit);
                break;
            case ApiSettings api:
                Api(api, configuration.Advanced?.Environment, problems);
                break;
            case DataSettings data:
                Data(data, problems);
                break;
            case MonitoringSettings monitoring:
                Monitoring(monitoring, problems);
                break;
            case CustomSettings custom:
                Custom(custom, problems);
                break;
        }
    }

    private static void Memory(MemorySettings memory, ProblemList problems)
    {
        if (!Enum.IsDefined(memory.MemoryType))
        {
            problems.Add(Pointer + "/memoryType", ValidationCodes.EnumUndefined, "The memory type must be shortTerm, longTerm or hybrid.");
        }

        Range(problems, "/retentionDays", "Retention days", memory.RetentionDays, MemorySettings.MinRetentionDays, MemorySettings.MaxRetentionDays);
        Range(problems, "/maxContextSize", "The max context size (characters)", memory.MaxContextSize, MemorySettings.MinContextSize, MemorySettings.MaxContextSizeLimit);
    }

    private static void Api(ApiSettings api, IReadOnlyList<EnvironmentVariable>? environment, ProblemList problems)
    {
        Url(problems, "/baseUrl", "The base URL", api.BaseUrl, httpsOnly: false);
        Range(problems, "/timeoutSeconds", "The timeout (seconds)", api.TimeoutSeconds, 1, ApiSettings.MaxTimeoutSeconds);
        if (!(api.RateLimitPerSecond > 0 && api.RateLimitPerSecond <= ApiSettings.MaxRateLimitPerSecond))
        {
            problems.Add(Pointer + "/rateLimitPerSecond", ValidationCodes.SettingsRange,
                $"The API rate limit must be more than 0 and at most {Text.Number(ApiSettings.MaxRateLimitPerSecond)} requests per second; it is {Text.Number(api.RateLimitPerSecond)}.");
        }

        const string auth = Pointer + "/auth";
        if (api.Auth is null)
        {
            problems.Required(auth, "Authentication");
            return;
        }

        if (!Enum.IsDefined(api.Auth.Scheme))
        {
            problems.Add(auth + "/scheme", ValidationCodes.EnumUndefined, "The auth scheme must be none, apiKey, bearer or basic.");
            return;
        }

        if (api.Auth.Scheme == ApiAuthScheme.ApiKey && api.Auth.HeaderName is { } header && !IsHeaderName(header))
        {
            problems.Add(auth + "/headerName", ValidationCodes.SettingsAuthHeaderName,
                $"{Text.Quote(header)} is not a valid HTTP header name; use letters, digits and hyphens, e.g. X-Api-Key.");
        }

        if (api.Auth.Scheme == ApiAuthScheme.None)
        {
            return;
        }

        // An unreadable environment list is reported on its own; whether it declares the secret is then unknown.
        if (string.IsNullOrEmpty(api.Auth.SecretName))
        {
            problems.Add(auth + "/secretName", ValidationCodes.SettingsAuthSecretRequired,
                $"The {Json.EnumNames.Of(api.Auth.Scheme)} scheme needs the name of the secret environment variable that holds the credential.");
        }
        else if (environment is not null && !environment.Any(v => v is { Secret: true } && v.Name == api.Auth.SecretName))
        {
            problems.Add(auth + "/secretName", ValidationCodes.SettingsAuthSecretNotDeclared,
                $"Add an environment variable named {Text.Quote(api.Auth.SecretName)} marked secret, holding the credential; the agent reads it at start.");
        }
    }

    private static void Data(DataSettings data, ProblemList problems)
    {
        if (!Enum.IsDefined(data.InputFormat))
        {
            problems.Add(Pointer + "/inputFormat", ValidationCodes.EnumUndefined, "The input format must be csv or jsonLines.");
        }

        if (!Enum.IsDefined(data.OutputFormat))
        {
            problems.Add(Pointer + "/outputFormat", ValidationCodes.EnumUndefined, "The output format must be csv or jsonLines.");
        }

        Range(problems, "/batchSize", "The batch size", data.BatchSize, 1, DataSettings.MaxBatchSize);
        if (data.Schedule is not null && !CronExpression.IsValid(data.Schedule))
        {
            problems.Add(Pointer + "/schedule", ValidationCodes.SettingsScheduleFormat,
                $"{Text.Quote(data.Schedule)} is not a five-field cron expression (minute hour day month weekday, numbers only, UTC), e.g. \"0 2 * * *\"; leave it empty to run on request.");
        }
    }

    private static void Custom(CustomSettings custom, ProblemList problems)
    {
        const string pointer = Pointer + "/properties";
        if (custom.Properties is null)
        {
            problems.Required(pointer, "Properties");
            return;
        }

        if (custom.Properties.Count > CustomSettings.MaxProperties)
        {
            problems.Add(pointer, ValidationCodes.SettingsPropertiesCount, $"Give at most {CustomSettings.MaxProperties} properties; there are {custom.Properties.Count}.");
        }

        foreach (var (key, value) in custom.Properties.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var at = JsonPointer.Append(pointer, key);
            if (!PropertyKeyPattern().IsMatch(key))
            {
                problems.Add(at, ValidationCodes.SettingsPropertyKey, $"Property key {Text.Quote(key)} must start with a letter and use letters, digits, '_', '.' or '-' (at most 64).");
            }

            if (value is null)
            {
                problems.Required(at, $"The value of property {Text.Quote(key)}");
            }
            else if (value.Length > CustomSettings.MaxPropertyValueLength)
            {
                problems.Add(at, ValidationCodes.SettingsPropertyValue, $"Property {Text.Quote(key)} is {value.Length} characters; at most {CustomSettings.MaxPropertyValueLength} are allowed.");
            }
        }
    }
}
