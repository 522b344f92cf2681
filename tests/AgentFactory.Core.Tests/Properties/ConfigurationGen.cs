using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;
using CsCheck;

namespace AgentFactory.Core.Tests.Properties;

/// <summary>Generators of VALID configurations: every value inside the rules, for any template and tier.</summary>
internal static class ConfigurationGen
{
    public static readonly AgentTemplate[] Templates = Domain.Templates.List().ToArray();

    private static readonly string[] LanguageCodes = ["en", "pt-BR", "zh-Hant-TW", "es-419", "de", "fr-CA", "ja", "fil"];
    private static readonly string[] Expertise = ["claims processing", "ICD-10 coding", "supply chain", "churn analysis"];
    private static readonly string[] SafeExtraPackages = ["Serilog", "Quartz", "Cronos", "Newtonsoft.Json", "MailKit"];
    private static readonly string[] Crons = ["0 2 * * *", "*/15 * * * *", "0 8-18 * * 1-5", "30 6 1 * *"];
    private static readonly string[] Urls = ["https://api.example.com/v1", "http://internal.example.net:8080/api", "https://example.org"];

    private static readonly Gen<char> Lower = Gen.Char['a', 'z'];
    private static readonly Gen<char> LowerOrDigit = Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['0', '9']);

    private static Gen<string> Word(int min, int max) => LowerOrDigit.Array[min, max].Select(chars => new string(chars));

    private static Gen<string> Text(int min, int max) => Gen.Char.Array[min, max].Select(chars => new string(chars));

    /// <summary>3–50 characters: a letter, then letters/digits, then up to four more hyphen-separated words.</summary>
    public static readonly Gen<string> Name =
        Gen.Select(Lower, Word(2, 9), Word(1, 9).Array[0, 4], (first, rest, words) => string.Join('-', words.Prepend(first + rest)));

    private static readonly Gen<string?> Description =
        Gen.Frequency((1, Gen.Const((string?)null)), (3, Text(0, 200).Select(text => (string?)text)));

    private static readonly Gen<Specializations> Specializations = Gen.Select(
        Gen.Int[-1, Enum.GetValues<Industry>().Length - 1],
        Gen.Int[0, Expertise.Length],
        Gen.Int[1, (1 << LanguageCodes.Length) - 1],
        (industry, expertise, languages) => new Specializations
        {
            Industry = industry < 0 ? null : (Industry)industry,
            DomainExpertise = Expertise.Take(expertise).ToArray(),
            Languages = LanguageCodes.Where((_, i) => ((languages >> i) & 1) == 1).ToArray(),
        });

    public static readonly Gen<AgentConfiguration> Valid = Gen.OneOf(Templates).SelectMany(For);

    public static readonly Gen<(AgentConfiguration Configuration, AgentTemplate Template)> ValidWithTemplate =
        Gen.OneOf(Templates).SelectMany(template => For(template).Select(configuration => (configuration, template)));

    public static Gen<AgentConfiguration> For(AgentTemplate template) => Gen.Select(
        Name, Description, Capabilities(template), Specializations, Sizing(template), Settings(template), Advanced(template),
        (name, description, capabilities, specializations, sizing, settings, advanced) => new AgentConfiguration
        {
            TemplateId = template.Id,
            TemplateVersion = template.Version,
            Name = name,
            Description = description,
            Tier = sizing.Tier,
            Capabilities = capabilities,
            Specializations = specializations,
            Resources = sizing.Resources,
            Settings = settings,
            Advanced = advanced,
            Execution = sizing.Execution,
        });

    private static Gen<CapabilitySelection> Capabilities(AgentTemplate template) => Gen.Select(
        Gen.Bool.Array[template.OptionalCapabilities.Count, template.OptionalCapabilities.Count],
        Gen.Int[0, 3],
        (chosen, custom) => new CapabilitySelection
        {
            Selected = [.. template.RequiredCapabilities, .. template.OptionalCapabilities.Where((_, i) => chosen[i])],
            Custom = Enumerable.Range(0, custom).Select(i => $"custom_skill_{i}").ToArray(),
        });

    private static Gen<(Tier Tier, ResourceSelection Resources, ExecutionSettings Execution)> Sizing(AgentTemplate template) =>
        Gen.Enum<Tier>().SelectMany(tier =>
        {
            var limits = TierLimits.For(tier)!;
            var minimum = template.Resources.Minimum;
            return Gen.Select(
                Gen.OneOf(ResourceOptions.CpuCores.Where(c => c >= minimum.CpuCores && c <= limits.MaxCpuCores).ToArray()),
                Gen.OneOf(ResourceOptions.MemoryMb.Where(m => m >= minimum.MemoryMb && m <= limits.MaxMemoryMb).ToArray()),
                Gen.OneOf(ResourceOptions.StorageGb.Where(s => s >= minimum.StorageGb && s <= limits.MaxStorageGb).ToArray()),
                Gen.OneOf(limits.ExecutionModes.ToArray()),
                Gen.Int[1, 1_000_000],
                Gen.Int[1, 36_000],
                (cpu, memory, storage, mode, tasks, tenths) => (tier, new ResourceSelection { CpuCores = cpu, MemoryMb = memory, StorageGb = storage },
                    mode == ExecutionMode.AlwaysOn ? ExecutionSettings.AlwaysOn : ExecutionSettings.OnDemand(tasks, tenths / 10.0)));
        });

    private static Gen<TemplateSettings> Settings(AgentTemplate template) => template.Category switch
    {
        TemplateCategory.Memory => Gen.Select(Gen.Enum<MemoryType>(), Gen.Int[1, 3650], Gen.Int[256, 1_000_000],
            (type, days, context) => (TemplateSettings)new MemorySettings { MemoryType = type, RetentionDays = days, MaxContextSize = context }),
        TemplateCategory.Orchestration => Gen.Select(Gen.Int[1, 32], Gen.Int[1, 3600], Gen.Int[0, 10],
            (parallel, timeout, retries) => (TemplateSettings)new OrchestrationSettings { MaxParallelSteps = parallel, StepTimeoutSeconds = timeout, MaxRetries = retries }),
        TemplateCategory.Api => Gen.Select(Gen.OneOf(Urls), Gen.Enum<ApiAuthScheme>(), Gen.Bool, Gen.Int[1, 300], Gen.Int[1, 10_000],
            (url, scheme, header, timeout, rate) => (TemplateSettings)new ApiSettings
            {
                BaseUrl = url,
                Auth = new ApiAuth
                {
                    Scheme = scheme,
                    SecretName = scheme == ApiAuthScheme.None ? null : "API_TOKEN",
                    HeaderName = scheme == ApiAuthScheme.ApiKey && header ? "X-Api-Key" : null,
                },
                TimeoutSeconds = timeout,
                RateLimitPerSecond = rate / 10.0,
            }),
        TemplateCategory.Data => Gen.Select(Gen.Enum<DataFormat>(), Gen.Enum<DataFormat>(), Gen.Int[1, 100_000], Gen.Int[-1, Crons.Length - 1],
            (input, output, batch, cron) => (TemplateSettings)new DataSettings
            {
                InputFormat = input, OutputFormat = output, BatchSize = batch, Schedule = cron < 0 ? null : Crons[cron],
            }),
        TemplateCategory.Monitoring => Gen.Select(Gen.Int[1, 3], Gen.Int[10, 86_400], Gen.Int[1, 60_000], Gen.Int[1, 20], Gen.Int[0, 2],
            (targets, interval, latency, failures, channel) => (TemplateSettings)new MonitoringSettings
            {
                Targets = Enumerable.Range(0, targets).Select(i => new MonitoringTarget { Name = $"target-{i}", Url = Urls[i % Urls.Length], ExpectedStatus = 200 + i }).ToArray(),
                IntervalSeconds = interval,
                Thresholds = new MonitoringThresholds { LatencyMs = latency, ConsecutiveFailures = failures },
                AlertChannel = channel switch
                {
                    0 => new AlertChannel { Kind = AlertChannelKind.Log },
                    1 => new AlertChannel { Kind = AlertChannelKind.Webhook, Target = "https://hooks.example.com/alerts" },
                    _ => new AlertChannel { Kind = AlertChannelKind.Email, Target = "ops@example.com" },
                },
            }),
        _ => Gen.Int[0, 3].Select(count => (TemplateSettings)new CustomSettings
        {
            Properties = Enumerable.Range(0, count).ToDictionary(i => $"prop.{i}", i => $"value {i}"),
        }),
    };

    private static Gen<AdvancedSettings> Advanced(AgentTemplate template)
    {
        var requirements = Domain.Dependencies.RequirementsFor(template.Id).ToArray();
        var required = requirements.Length == 0
            ? Gen.Const(Array.Empty<DependencyReference>())
            : Gen.OneOf(requirements[0].AnyOf.ToArray()).SelectMany(name => Reference(name).Select(reference => new[] { reference }));
        var variables = Gen.Select(Text(0, 40), Gen.Bool).Array[0, 3].Select(values => values.Select((v, i) => new EnvironmentVariable { Name = $"VAR_{i}", Value = v.Item1, Secret = v.Item2 }));
        // Per extra package: -2 leaves it out, -1 takes the latest, otherwise a listed version.
        var extras = Gen.Int[-2, 2].Array[SafeExtraPackages.Length, SafeExtraPackages.Length].Select(choices => SafeExtraPackages
            .Select((name, i) => (Name: name, Choice: choices[i]))
            .Where(pick => pick.Choice >= -1)
            .Select(pick => Pick(pick.Name, pick.Choice)));
        return Gen.Select(required, extras, variables, Gen.Int[0, 10_000], (requiredPackages, extraPackages, environment, rate) => new AdvancedSettings
        {
            // The API template's default auth reads API_TOKEN; it is always declared (as a secret) for API agents.
            Environment = template.Category == TemplateCategory.Api
                ? [.. environment, new EnvironmentVariable { Name = "API_TOKEN", Value = "test-token", Secret = true }]
                : environment.ToArray(),
            Dependencies = [.. requiredPackages, .. extraPackages],
            RateLimitPerSecond = rate == 0 ? null : rate / 10.0,
        });
    }

    private static Gen<DependencyReference> Reference(string name) => Gen.Int[-1, 2].Select(choice => Pick(name, choice));

    private static DependencyReference Pick(string name, int choice)
    {
        var versions = Domain.Dependencies.FindPackage(name)!.Versions;
        return new DependencyReference { Package = name, Version = choice < 0 ? null : versions[choice % versions.Count] };
    }
}
