using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Properties;

/// <summary>
/// A change that breaks exactly one rule of a valid configuration. <see cref="Apply"/> returns null when the
/// rule cannot be broken alone for that configuration (e.g. no tier limit below 4 cores on Enterprise).
/// </summary>
internal sealed record Mutation(string Code, Func<AgentConfiguration, AgentTemplate, AgentConfiguration?> Apply, decimal MonthlyCostUsd = 1m)
{
    public override string ToString() => Code;
}

internal static class Mutations
{
    private static AgentConfiguration Selected(AgentConfiguration c, IEnumerable<string> selected) =>
        c with { Capabilities = c.Capabilities with { Selected = selected.ToArray() } };

    private static AgentConfiguration Custom(AgentConfiguration c, IEnumerable<string> custom) =>
        c with { Capabilities = c.Capabilities with { Custom = custom.ToArray() } };

    private static AgentConfiguration Languages(AgentConfiguration c, IEnumerable<string> languages) =>
        c with { Specializations = c.Specializations with { Languages = languages.ToArray() } };

    private static AgentConfiguration Expertise(AgentConfiguration c, IEnumerable<string> expertise) =>
        c with { Specializations = c.Specializations with { DomainExpertise = expertise.ToArray() } };

    private static AgentConfiguration Resources(AgentConfiguration c, decimal? cpu = null, int? memory = null, int? storage = null) =>
        c with { Resources = new ResourceSelection { CpuCores = cpu ?? c.Resources.CpuCores, MemoryMb = memory ?? c.Resources.MemoryMb, StorageGb = storage ?? c.Resources.StorageGb } };

    private static AgentConfiguration AddVariables(AgentConfiguration c, params EnvironmentVariable[] variables) =>
        c with { Advanced = c.Advanced with { Environment = [.. c.Advanced.Environment, .. variables] } };

    private static AgentConfiguration Dependencies(AgentConfiguration c, IEnumerable<DependencyReference> dependencies) =>
        c with { Advanced = c.Advanced with { Dependencies = dependencies.ToArray() } };

    private static EnvironmentVariable Var(string name, string value = "v") => new() { Name = name, Value = value };

    private static T? Above<T>(IReadOnlyList<T> allowed, T limit)
        where T : struct, IComparable<T> => allowed.Where(v => v.CompareTo(limit) > 0).Select(v => (T?)v).FirstOrDefault();

    private static AgentConfiguration? WithSettings<T>(AgentConfiguration c, Func<T, TemplateSettings> change)
        where T : TemplateSettings => c.Settings is T settings ? c with { Settings = change(settings) } : null;

    public static IReadOnlyList<Mutation> All { get; } =
    [
        new(ValidationCodes.Required, (c, _) => c with { Name = null! }),
        new(ValidationCodes.NameLength, (c, _) => c with { Name = "ab" }),
        new(ValidationCodes.NameFormat, (c, _) => c with { Name = "X" + c.Name[1..] }),
        new(ValidationCodes.NameHyphens, (c, _) => c with { Name = c.Name[..Math.Min(c.Name.Length, 62)] + "-" }),
        new(ValidationCodes.DescriptionLength, (c, _) => c with { Description = new string('d', 201) }),
        new(ValidationCodes.TemplateUnknown, (c, _) => c with { TemplateId = "tmpl-unknown" }),
        new(ValidationCodes.TemplateVersionUnknown, (c, _) => c with { TemplateVersion = 99 }),
        new(ValidationCodes.EnumUndefined, (c, _) => c with { Tier = (Tier)42 }),
        new(ValidationCodes.CapabilitiesRequiredMissing, (c, t) => Selected(c, c.Capabilities.Selected.Where(s => s != t.RequiredCapabilities[0]))),
        new(ValidationCodes.CapabilitiesUnknown, (c, _) => Selected(c, [.. c.Capabilities.Selected, "time_travel"])),
        new(ValidationCodes.CapabilitiesDuplicate, (c, _) => Selected(c, [.. c.Capabilities.Selected, c.Capabilities.Selected[0]])),
        new(ValidationCodes.CapabilitiesCustomFormat, (c, _) => Custom(c, [.. c.Capabilities.Custom, "Bad-Capability"])),
        new(ValidationCodes.CapabilitiesCustomShadowsTemplate, (c, t) => Custom(c, [.. c.Capabilities.Custom, t.RequiredCapabilities[0]])),
        new(ValidationCodes.CapabilitiesCustomTooMany, (c, _) => Custom(c, Enumerable.Range(0, 21).Select(i => $"extra_{i}"))),
        new(ValidationCodes.LanguagesRequired, (c, _) => Languages(c, [])),
        new(ValidationCodes.LanguagesFormat, (c, _) => Languages(c, [.. c.Specializations.Languages, "english"])),
        new(ValidationCodes.LanguagesDuplicate, (c, _) => Languages(c, [.. c.Specializations.Languages, c.Specializations.Languages[0].ToUpperInvariant()])),
        new(ValidationCodes.DomainExpertiseLength, (c, _) => Expertise(c, [.. c.Specializations.DomainExpertise, ""])),
        new(ValidationCodes.DomainExpertiseTooMany, (c, _) => Expertise(c, Enumerable.Range(0, 11).Select(i => $"area {i}"))),
        new(ValidationCodes.CpuNotAllowed, (c, _) => Resources(c, cpu: 3m)),
        new(ValidationCodes.MemoryNotAllowed, (c, _) => Resources(c, memory: 3000)),
        new(ValidationCodes.StorageNotAllowed, (c, _) => Resources(c, storage: 7)),
        new(ValidationCodes.CpuBelowTemplateMinimum, (c, t) => t.Resources.Minimum.CpuCores > 0.5m ? Resources(c, cpu: 0.5m) : null),
        new(ValidationCodes.MemoryBelowTemplateMinimum, (c, t) => t.Resources.Minimum.MemoryMb > 512 ? Resources(c, memory: 512) : null),
        new(ValidationCodes.StorageBelowTemplateMinimum, (c, t) => t.Resources.Minimum.StorageGb > 1 ? Resources(c, storage: 1) : null),
        new(ValidationCodes.CpuAboveTierLimit, (c, _) => Above(ResourceOptions.CpuCores, TierLimits.For(c.Tier)!.MaxCpuCores) is { } cpu ? Resources(c, cpu: cpu) : null),
        new(ValidationCodes.MemoryAboveTierLimit, (c, _) => Above(ResourceOptions.MemoryMb, TierLimits.For(c.Tier)!.MaxMemoryMb) is { } memory ? Resources(c, memory: memory) : null),
        new(ValidationCodes.StorageAboveTierLimit, (c, _) => Above(ResourceOptions.StorageGb, TierLimits.For(c.Tier)!.MaxStorageGb) is { } storage ? Resources(c, storage: storage) : null),
        new(ValidationCodes.SettingsKindMismatch, (c, _) => c with { Settings = c.Settings is CustomSettings ? Domain.Default("tmpl-memory").Settings : new CustomSettings() }),
        new(ValidationCodes.SettingsRange, (c, _) => c.Settings switch
        {
            MemorySettings s => c with { Settings = s with { RetentionDays = 0 } },
            OrchestrationSettings s => c with { Settings = s with { MaxRetries = 11 } },
            ApiSettings s => c with { Settings = s with { TimeoutSeconds = 0 } },
            DataSettings s => c with { Settings = s with { BatchSize = 0 } },
            MonitoringSettings s => c with { Settings = s with { IntervalSeconds = 1 } },
            _ => null,
        }),
        new(ValidationCodes.SettingsUrl, (c, _) => c.Settings switch
        {
            ApiSettings s => c with { Settings = s with { BaseUrl = "not-a-url" } },
            MonitoringSettings s => c with { Settings = s with { Targets = [s.Targets[0] with { Url = "ftp://example.com" }, .. s.Targets.Skip(1)] } },
            _ => null,
        }),
        new(ValidationCodes.SettingsAuthSecretRequired, (c, _) => WithSettings<ApiSettings>(c, s => s with { Auth = new ApiAuth { Scheme = ApiAuthScheme.Bearer } })),
        new(ValidationCodes.SettingsAuthSecretNotDeclared, (c, _) => WithSettings<ApiSettings>(c, s => s with { Auth = new ApiAuth { Scheme = ApiAuthScheme.Basic, SecretName = "NOT_DECLARED" } })),
        new(ValidationCodes.SettingsAuthHeaderName, (c, _) => WithSettings<ApiSettings>(c, s => s with { Auth = new ApiAuth { Scheme = ApiAuthScheme.ApiKey, SecretName = "API_TOKEN", HeaderName = "Bad Header" } })),
        new(ValidationCodes.SettingsScheduleFormat, (c, _) => WithSettings<DataSettings>(c, s => s with { Schedule = "every night" })),
        new(ValidationCodes.SettingsTargetsCount, (c, _) => WithSettings<MonitoringSettings>(c, s => s with { Targets = [] })),
        new(ValidationCodes.SettingsTargetName, (c, _) => WithSettings<MonitoringSettings>(c, s => s with { Targets = [s.Targets[0] with { Name = "Bad Name" }, .. s.Targets.Skip(1)] })),
        new(ValidationCodes.SettingsTargetDuplicate, (c, _) => WithSettings<MonitoringSettings>(c, s => s with { Targets = [.. s.Targets, s.Targets[0]] })),
        new(ValidationCodes.SettingsAlertTarget, (c, _) => WithSettings<MonitoringSettings>(c, s => s with { AlertChannel = new AlertChannel { Kind = AlertChannelKind.Email, Target = "nobody" } })),
        new(ValidationCodes.SettingsPropertyKey, (c, _) => WithSettings<CustomSettings>(c, s => s with { Properties = new Dictionary<string, string>(s.Properties) { ["1bad"] = "x" } })),
        new(ValidationCodes.SettingsPropertyValue, (c, _) => WithSettings<CustomSettings>(c, s => s with { Properties = new Dictionary<string, string>(s.Properties) { ["big"] = new string('x', 1025) } })),
        new(ValidationCodes.EnvironmentNameFormat, (c, _) => AddVariables(c, Var("1BAD"))),
        new(ValidationCodes.EnvironmentNameLength, (c, _) => AddVariables(c, Var(new string('N', 257)))),
        new(ValidationCodes.EnvironmentNameReserved, (c, _) => AddVariables(c, Var("AZURE_CLIENT_SECRET"))),
        new(ValidationCodes.EnvironmentDuplicate, (c, _) => c.Advanced.Environment.Count == 0 ? null : AddVariables(c, Var(c.Advanced.Environment[0].Name.ToLowerInvariant()))),
        new(ValidationCodes.EnvironmentValueLength, (c, _) => AddVariables(c, Var("BIG", new string('v', 40_000)))),
        new(ValidationCodes.EnvironmentTotalLength, (c, _) => AddVariables(c, Enumerable.Range(0, 5).Select(i => Var($"CHUNK_{i}", new string('v', 30_000))).ToArray())),
        new(ValidationCodes.EnvironmentCountAboveTierLimit, (c, _) => AddVariables(c,
            Enumerable.Range(0, TierLimits.For(c.Tier)!.MaxEnvironmentVariables - c.Advanced.Environment.Count + 1).Select(i => Var($"EXTRA_{i}")).ToArray())),
        new(ValidationCodes.DependenciesUnknownPackage, (c, _) => Dependencies(c, [.. c.Advanced.Dependencies, new DependencyReference { Package = "left-pad" }])),
        new(ValidationCodes.DependenciesUnknownVersion, (c, _) => c.Advanced.Dependencies.Count == 0 ? null
            : Dependencies(c, [c.Advanced.Dependencies[0] with { Version = "0.0.0-nope" }, .. c.Advanced.Dependencies.Skip(1)])),
        new(ValidationCodes.DependenciesDuplicate, (c, _) => c.Advanced.Dependencies.Count == 0 ? null
            : Dependencies(c, [.. c.Advanced.Dependencies, c.Advanced.Dependencies[0] with { Package = c.Advanced.Dependencies[0].Package.ToUpperInvariant() }])),
        new(ValidationCodes.DependenciesConflict, (c, _) => Dependencies(c, [.. c.Advanced.Dependencies,
            .. new[] { "Pgvector", "Microsoft.Data.Sqlite" }.Where(p => !c.Advanced.Dependencies.Any(d => d.Package == p)).Select(p => new DependencyReference { Package = p })])),
        new(ValidationCodes.DependenciesTemplateRequirementMissing, (c, t) => Domain.Dependencies.RequirementsFor(t.Id).FirstOrDefault() is { } requirement
            ? Dependencies(c, c.Advanced.Dependencies.Where(d => !requirement.AnyOf.Contains(d.Package)))
            : null),
        new(ValidationCodes.RateLimitRange, (c, _) => c with { Advanced = c.Advanced with { RateLimitPerSecond = 0 } }),
        new(ValidationCodes.ExecutionModeNotAllowedForTier, (c, _) => c.Tier == Tier.Starter ? c with { Execution = ExecutionSettings.AlwaysOn } : null),
        new(ValidationCodes.ExecutionTasksPerDayRange, (c, _) => c with { Execution = ExecutionSettings.OnDemand(0, 5) }),
        new(ValidationCodes.ExecutionDurationRange, (c, _) => c with { Execution = ExecutionSettings.OnDemand(10, 3601) }),
        new(ValidationCodes.CostAboveTierBudget, (c, _) => c, MonthlyCostUsd: 1_000_000m),
    ];

    public static TheoryData<string> Codes => new(All.Select(m => m.Code).Distinct());
}
