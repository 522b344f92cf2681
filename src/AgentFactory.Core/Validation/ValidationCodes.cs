namespace AgentFactory.Core.Validation;

/// <summary>
/// The stable codes of <see cref="ValidationProblem"/>. Clients switch on them; never rename one
/// (docs/DOMAIN.md has the same table).
/// </summary>
public static class ValidationCodes
{
    // Reading JSON
    /// <summary>The text is not well-formed JSON.</summary>
    public const string JsonSyntax = "json.syntax";
    /// <summary>A value has the wrong JSON type (e.g. a string where a number belongs).</summary>
    public const string JsonType = "json.type";
    /// <summary>A string is not one of the allowed values of an enumeration.</summary>
    public const string JsonEnum = "json.enum";
    /// <summary>A property the configuration does not define (often a typo).</summary>
    public const string JsonUnknownProperty = "json.unknownProperty";
    /// <summary>The same property appears twice in one object.</summary>
    public const string JsonDuplicateProperty = "json.duplicateProperty";
    /// <summary>A required value is missing or null.</summary>
    public const string Required = "required";
    /// <summary>A typed enum holds a number outside the enumeration.</summary>
    public const string EnumUndefined = "enum.undefined";

    // Template
    /// <summary>No template has this id.</summary>
    public const string TemplateUnknown = "template.unknown";
    /// <summary>The template has no such version.</summary>
    public const string TemplateVersionUnknown = "template.versionUnknown";

    // Basic info
    /// <summary>The name is not 3–63 characters long.</summary>
    public const string NameLength = "name.length";
    /// <summary>The name has characters other than a–z, 0–9 and '-', or does not start with a letter.</summary>
    public const string NameFormat = "name.format";
    /// <summary>The name has consecutive hyphens or ends with a hyphen.</summary>
    public const string NameHyphens = "name.hyphens";
    /// <summary>Another agent of the tenant already has the name.</summary>
    public const string NameTaken = "name.taken";
    /// <summary>The description is longer than 200 characters.</summary>
    public const string DescriptionLength = "description.length";

    // Capabilities
    /// <summary>A required capability of the template is not selected.</summary>
    public const string CapabilitiesRequiredMissing = "capabilities.requiredMissing";
    /// <summary>A selected capability is neither required nor optional in the template.</summary>
    public const string CapabilitiesUnknown = "capabilities.unknown";
    /// <summary>A capability is listed twice.</summary>
    public const string CapabilitiesDuplicate = "capabilities.duplicate";
    /// <summary>A custom capability name is not snake_case ([a-z][a-z0-9_]{1,47}).</summary>
    public const string CapabilitiesCustomFormat = "capabilities.custom.format";
    /// <summary>A custom capability has the name of a template capability.</summary>
    public const string CapabilitiesCustomShadowsTemplate = "capabilities.custom.shadowsTemplate";
    /// <summary>More than 20 custom capabilities.</summary>
    public const string CapabilitiesCustomTooMany = "capabilities.custom.tooMany";

    // Specializations
    /// <summary>A domain expertise entry is empty or longer than 64 characters.</summary>
    public const string DomainExpertiseLength = "specializations.domainExpertise.length";
    /// <summary>More than 10 domain expertise entries.</summary>
    public const string DomainExpertiseTooMany = "specializations.domainExpertise.tooMany";
    /// <summary>No language is given.</summary>
    public const string LanguagesRequired = "specializations.languages.required";
    /// <summary>A language is not a BCP 47 code of the form language[-Script][-REGION].</summary>
    public const string LanguagesFormat = "specializations.languages.format";
    /// <summary>A language is listed twice.</summary>
    public const string LanguagesDuplicate = "specializations.languages.duplicate";
    /// <summary>More than 20 languages.</summary>
    public const string LanguagesTooMany = "specializations.languages.tooMany";

    // Resources
    /// <summary>The CPU is not one of 0.5, 1, 2, 4 cores.</summary>
    public const string CpuNotAllowed = "resources.cpu.notAllowed";
    /// <summary>The CPU is below the template's minimum.</summary>
    public const string CpuBelowTemplateMinimum = "resources.cpu.belowTemplateMinimum";
    /// <summary>The CPU is above the tier's limit.</summary>
    public const string CpuAboveTierLimit = "resources.cpu.aboveTierLimit";
    /// <summary>The target runtime cannot run that many cores.</summary>
    public const string CpuExceedsRuntime = "resources.cpu.exceedsRuntime";
    /// <summary>The memory is not one of 512, 1024, 2048, 4096 MB.</summary>
    public const string MemoryNotAllowed = "resources.memory.notAllowed";
    /// <summary>The memory is below the template's minimum.</summary>
    public const string MemoryBelowTemplateMinimum = "resources.memory.belowTemplateMinimum";
    /// <summary>The memory is above the tier's limit.</summary>
    public const string MemoryAboveTierLimit = "resources.memory.aboveTierLimit";
    /// <summary>The target runtime cannot give that much memory.</summary>
    public const string MemoryExceedsRuntime = "resources.memory.exceedsRuntime";
    /// <summary>The storage is not one of 1, 5, 10, 20 GB.</summary>
    public const string StorageNotAllowed = "resources.storage.notAllowed";
    /// <summary>The storage is below the template's minimum.</summary>
    public const string StorageBelowTemplateMinimum = "resources.storage.belowTemplateMinimum";
    /// <summary>The storage is above the tier's limit.</summary>
    public const string StorageAboveTierLimit = "resources.storage.aboveTierLimit";
    /// <summary>The target runtime cannot give that much storage.</summary>
    public const string StorageExceedsRuntime = "resources.storage.exceedsRuntime";

    // Template settings
    /// <summary>The settings are of another kind than the template's category.</summary>
    public const string SettingsKindMismatch = "settings.kindMismatch";
    /// <summary>A numeric setting is outside its allowed range (the message gives the range).</summary>
    public const string SettingsRange = "settings.range";
    /// <summary>A URL setting is not an absolute http(s) URL (https for webhooks).</summary>
    public const string SettingsUrl = "settings.url";
    /// <summary>The API auth scheme needs a secret name.</summary>
    public const string SettingsAuthSecretRequired = "settings.auth.secretRequired";
    /// <summary>The API auth secret name is not an environment variable marked secret.</summary>
    public const string SettingsAuthSecretNotDeclared = "settings.auth.secretNotDeclared";
    /// <summary>The API key header name is not a valid HTTP header name.</summary>
    public const string SettingsAuthHeaderName = "settings.auth.headerName";
    /// <summary>The data schedule is not a valid five-field cron expression.</summary>
    public const string SettingsScheduleFormat = "settings.schedule.format";
    /// <summary>A monitoring agent needs 1–20 targets.</summary>
    public const string SettingsTargetsCount = "settings.targets.count";
    /// <summary>A monitoring target name is not [a-z][a-z0-9-]{0,62}.</summary>
    public const string SettingsTargetName = "settings.targets.name";
    /// <summary>Two monitoring targets have the same name.</summary>
    public const string SettingsTargetDuplicate = "settings.targets.duplicate";
    /// <summary>The alert channel's target does not fit its kind (webhook: https URL, email: address, log: none).</summary>
    public const string SettingsAlertTarget = "settings.alertChannel.target";
    /// <summary>More than 50 custom properties.</summary>
    public const string SettingsPropertiesCount = "settings.properties.count";
    /// <summary>A custom property key is not [A-Za-z][A-Za-z0-9_.-]{0,63}.</summary>
    public const string SettingsPropertyKey = "settings.properties.key";
    /// <summary>A custom property value is longer than 1,024 characters.</summary>
    public const string SettingsPropertyValue = "settings.properties.value";

    // Environment variables
    /// <summary>The name is not a POSIX name [A-Za-z_][A-Za-z0-9_]*.</summary>
    public const string EnvironmentNameFormat = "environment.name.format";
    /// <summary>The name is longer than 256 characters.</summary>
    public const string EnvironmentNameLength = "environment.name.length";
    /// <summary>The platform sets this name (see reserved names).</summary>
    public const string EnvironmentNameReserved = "environment.name.reserved";
    /// <summary>The name is already used by an earlier variable (names compare case-insensitively).</summary>
    public const string EnvironmentDuplicate = "environment.duplicate";
    /// <summary>The value is longer than 32 KiB (UTF-8).</summary>
    public const string EnvironmentValueLength = "environment.value.length";
    /// <summary>Names and values together exceed 128 KiB.</summary>
    public const string EnvironmentTotalLength = "environment.total.length";
    /// <summary>More variables than the tier allows.</summary>
    public const string EnvironmentCountAboveTierLimit = "environment.count.aboveTierLimit";

    // Dependencies
    /// <summary>The package is not in the dependency catalog.</summary>
    public const string DependenciesUnknownPackage = "dependencies.unknownPackage";
    /// <summary>The catalog does not list this version of the package.</summary>
    public const string DependenciesUnknownVersion = "dependencies.unknownVersion";
    /// <summary>Two dependencies conflict.</summary>
    public const string DependenciesConflict = "dependencies.conflict";
    /// <summary>The template needs one of a set of packages and none is listed.</summary>
    public const string DependenciesTemplateRequirementMissing = "dependencies.templateRequirementMissing";
    /// <summary>A package is listed twice.</summary>
    public const string DependenciesDuplicate = "dependencies.duplicate";

    // Rate limit and execution
    /// <summary>The rate limit is not in (0, 1000] requests per second.</summary>
    public const string RateLimitRange = "advanced.rateLimit.range";
    /// <summary>The tier does not allow this execution mode.</summary>
    public const string ExecutionModeNotAllowedForTier = "execution.mode.notAllowedForTier";
    /// <summary>Expected tasks per day is not 1–1,000,000.</summary>
    public const string ExecutionTasksPerDayRange = "execution.tasksPerDay.range";
    /// <summary>Average task duration is not in (0, 3600] seconds.</summary>
    public const string ExecutionDurationRange = "execution.duration.range";

    // Seams (cost, capacity)
    /// <summary>The monthly cost estimate exceeds the tier's budget.</summary>
    public const string CostAboveTierBudget = "cost.aboveTierBudget";
    /// <summary>The tenant's quota or the region has fewer free cores than requested.</summary>
    public const string CapacityCpuInsufficient = "capacity.cpu.insufficient";
    /// <summary>The tenant's quota or the region has less free memory than the agent is provisioned with.</summary>
    public const string CapacityMemoryInsufficient = "capacity.memory.insufficient";
}
