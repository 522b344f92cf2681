using System.Text.Json;
using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation.Json;

/// <summary>
/// Reads an <see cref="AgentConfiguration"/> from raw JSON without throwing: every structural problem is
/// reported with its pointer, and whatever could be read is returned (with nulls where values were unreadable)
/// so the rules can still find the problems in the rest of the document.
/// </summary>
internal static class ConfigurationReader
{
    public static AgentConfiguration? Read(JsonElement root, ProblemList problems)
    {
        var o = ObjectReader.From(root, JsonPointer.Root, problems, "The configuration");
        if (o is null)
        {
            return null;
        }

        var configuration = new AgentConfiguration
        {
            TemplateId = o.String("templateId", true, "The template id")!,
            TemplateVersion = o.Int("templateVersion", true, "The template version") ?? 0,
            Name = o.String("name", true, "The agent name")!,
            Description = o.String("description", false, "The description"),
            Tier = o.Enum<Tier>("tier", true, "The tier") ?? (Tier)(-1),
            Capabilities = ReadCapabilities(o.Object("capabilities", true, "Capabilities"))!,
            Specializations = ReadSpecializations(o.Object("specializations", true, "Specializations"))!,
            Resources = ReadResources(o.Object("resources", true, "Resources"))!,
            Settings = SettingsReader.Read(o.Object("settings", true, "Settings"))!,
            Advanced = ReadAdvanced(o, problems),
            Execution = ReadExecution(o.Object("execution", true, "Execution"))!,
        };
        o.Finish();
        return configuration;
    }

    private static CapabilitySelection? ReadCapabilities(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var result = new CapabilitySelection
        {
            Selected = o.Strings("selected", true, "The selected capabilities")!,
            Custom = ObjectReader.Optional(o.Strings("custom", false, "Custom capabilities"), o, "custom"),
        };
        o.Finish();
        return result;
    }

    private static Specializations? ReadSpecializations(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var result = new Specializations
        {
            Industry = o.Enum<Industry>("industry", false, "The industry"),
            DomainExpertise = ObjectReader.Optional(o.Strings("domainExpertise", false, "Domain expertise"), o, "domainExpertise"),
            Languages = o.Strings("languages", true, "Languages")!,
        };
        o.Finish();
        return result;
    }

    private static ResourceSelection? ReadResources(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        // Unreadable sizes become -1, which the rules would refuse at the same pointer; the reader's problem wins.
        var result = new ResourceSelection
        {
            CpuCores = o.Decimal("cpuCores", true, "CPU cores") ?? -1m,
            MemoryMb = o.Int("memoryMb", true, "Memory (MB)") ?? -1,
            StorageGb = o.Int("storageGb", true, "Storage (GB)") ?? -1,
        };
        o.Finish();
        return result;
    }

    private static AdvancedSettings ReadAdvanced(ObjectReader parent, ProblemList problems)
    {
        var o = parent.Object("advanced", false, "Advanced settings");
        if (o is null)
        {
            // Absent is fine (all defaults); a wrong type was reported and must not be re-reported as missing.
            return parent.Problems.AnyWithin(parent.At("advanced")) ? null! : new AdvancedSettings();
        }

        var result = new AdvancedSettings
        {
            Environment = ObjectReader.Optional(o.Array("environment", false, "Environment variables", (item, pointer) => ReadVariable(item, pointer, problems)), o, "environment"),
            Dependencies = ObjectReader.Optional(o.Array("dependencies", false, "Dependencies", (item, pointer) => ReadDependency(item, pointer, problems)), o, "dependencies"),
            RateLimitPerSecond = o.Double("rateLimitPerSecond", false, "The rate limit"),
        };
        o.Finish();
        return result;
    }

    private static EnvironmentVariable? ReadVariable(JsonElement item, string pointer, ProblemList problems)
    {
        var o = ObjectReader.From(item, pointer, problems, "An environment variable");
        if (o is null)
        {
            return null;
        }

        var result = new EnvironmentVariable
        {
            Name = o.String("name", true, "The variable name")!,
            Value = o.String("value", true, "The variable value")!,
            Secret = o.Bool("secret", false, "'secret'") ?? false,
        };
        o.Finish();
        return result;
    }

    private static DependencyReference? ReadDependency(JsonElement item, string pointer, ProblemList problems)
    {
        var o = ObjectReader.From(item, pointer, problems, "A dependency");
        if (o is null)
        {
            return null;
        }

        var result = new DependencyReference
        {
            Package = o.String("package", true, "The package name")!,
            Version = o.String("version", false, "The package version"),
        };
        o.Finish();
        return result;
    }

    private static ExecutionSettings? ReadExecution(ObjectReader? o)
    {
        if (o is null)
        {
            return null;
        }

        var result = new ExecutionSettings
        {
            Mode = o.Enum<ExecutionMode>("mode", true, "The execution mode") ?? (ExecutionMode)(-1),
            ExpectedTasksPerDay = o.Int("expectedTasksPerDay", false, "Expected tasks per day"),
            AverageTaskDurationSeconds = o.Double("averageTaskDurationSeconds", false, "The average task duration"),
        };
        o.Finish();
        return result;
    }
}
