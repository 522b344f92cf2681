using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Validation;
using CsCheck;

namespace AgentFactory.Core.Tests.Properties;

/// <summary>No input, however malformed, makes validation throw; every problem it reports is well formed.</summary>
public class NoThrowPropertyTests
{
    private static readonly ConfigurationRules Rules = Domain.Rules();

    private static readonly HashSet<string> KnownCodes = typeof(ValidationCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();

    private static readonly string[] Keys =
    [
        "templateId", "templateVersion", "name", "description", "tier", "capabilities", "selected", "custom", "specializations",
        "industry", "domainExpertise", "languages", "resources", "cpuCores", "memoryMb", "storageGb", "settings", "kind", "advanced",
        "environment", "value", "secret", "dependencies", "package", "version", "rateLimitPerSecond", "execution", "mode",
        "expectedTasksPerDay", "averageTaskDurationSeconds", "targets", "url", "auth", "scheme", "secretName", "properties",
        "alertChannel", "thresholds", "target", "memoryType", "schedule", "other",
    ];

    private static readonly string[] Words = ["starter", "onDemand", "alwaysOn", "memory", "api", "custom", "monitoring", "log", "tmpl-api", "PATH", "", "é"];

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (1, Gen.Const((JsonNode?)null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (2, Gen.OneOf(Words).Select(w => (JsonNode?)JsonValue.Create(w))),
        (2, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))));

    private static readonly Gen<JsonNode?> AnyJson = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 5 ? Scalar : Gen.Frequency(
        (3, Scalar),
        (1, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items))),
        (2, Gen.Select(Gen.OneOf(Keys), inner).Array[0, 8].Select(properties =>
        {
            var node = new JsonObject();
            foreach (var (key, value) in properties)
            {
                node[key] = value;
            }

            return (JsonNode?)node;
        }))));

    private static void AssertWellFormed(ValidationResult result)
    {
        Assert.All(result.Problems, problem =>
        {
            Assert.True(problem.Pointer.Length == 0 || problem.Pointer[0] == '/', problem.Pointer);
            Assert.Contains(problem.Code, KnownCodes);
            Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        });
    }

    private static void ValidateText(string text)
    {
        AssertWellFormed(Rules.Validate(text));
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 10_000 });
            AssertWellFormed(Rules.Validate(document.RootElement));
        }
        catch (JsonException)
        {
            // Not JSON: the text entry point above already had to cope with it.
        }
    }

    [Fact]
    public void Validate_RandomJson_NeverThrows()
    {
        AnyJson.Sample(node => ValidateText(node?.ToJsonString() ?? "null"), iter: 2000);
    }

    [Fact]
    public void Validate_RandomStrings_NeverThrows()
    {
        Gen.String.Sample(ValidateText, iter: 2000);
    }

    [Fact]
    public void Validate_ValidConfigurationWithARandomSubtreeReplaced_NeverThrows()
    {
        Gen.Select(ConfigurationGen.Valid, AnyJson, Gen.Int[0, int.MaxValue]).Sample((configuration, replacement, choice) =>
        {
            var root = JsonNode.Parse(JsonSerializer.Serialize(configuration, AgentFactoryJson.Options))!;
            var slots = Slots(root).ToList();
            var (parent, key, index) = slots[choice % slots.Count];
            if (parent is JsonObject obj)
            {
                obj[key!] = replacement;
            }
            else
            {
                ((JsonArray)parent)[index] = replacement;
            }

            ValidateText(root.ToJsonString());
        }, iter: 2000);
    }

    [Fact]
    public void Validate_DeepNesting_NeverThrows()
    {
        Gen.Select(Gen.Int[1, 5000], Gen.Bool).Sample((depth, objects) =>
        {
            var text = objects
                ? string.Concat(Enumerable.Repeat("{\"settings\":", depth)) + "1" + new string('}', depth)
                : new string('[', depth) + new string(']', depth);
            ValidateText(text);
        }, iter: 100);
    }

    [Fact]
    public async Task Validate_TypedConfigurationWithRandomNulls_NeverThrows()
    {
        var validator = new AgentConfigurationValidator(Rules, new InMemoryAgentNameRegistry(), ConfiguredCapacityProvider.AciDefaultQuota);
        var target = new ValidationTarget("tenant", "eastus");

        await Gen.Select(ConfigurationGen.Valid, Gen.Long).SampleAsync(async (configuration, mask) =>
        {
            var broken = Nullers.Where((_, i) => ((mask >> (i % 64)) & 1) == 1).Aggregate(configuration, (c, nuller) => nuller(c));

            AssertWellFormed(Rules.Validate(broken));
            AssertWellFormed(await validator.ValidateAsync(target, broken));
            Assert.NotNull(broken.ToString());
        }, iter: 1000).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    yield return (obj, key, -1);
                    foreach (var slot in value is null ? [] : Slots(value))
                    {
                        yield return slot;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, null, i);
                    foreach (var slot in array[i] is { } item ? Slots(item) : [])
                    {
                        yield return slot;
                    }
                }

                break;
        }
    }

    private static readonly Func<AgentConfiguration, AgentConfiguration>[] Nullers =
    [
        c => c with { TemplateId = null! },
        c => c with { Name = null! },
        c => c with { Capabilities = null! },
        c => c.Capabilities is null ? c : c with { Capabilities = c.Capabilities with { Selected = null!, Custom = [null!] } },
        c => c.Capabilities is null ? c : c with { Capabilities = c.Capabilities with { Selected = [null!], Custom = null! } },
        c => c with { Specializations = null! },
        c => c.Specializations is null ? c : c with { Specializations = c.Specializations with { Languages = null!, DomainExpertise = [null!] } },
        c => c.Specializations is null ? c : c with { Specializations = c.Specializations with { Languages = [null!], DomainExpertise = null! } },
        c => c with { Resources = null! },
        c => c with { Settings = null! },
        c => c.Settings switch
        {
            ApiSettings s => c with { Settings = s with { Auth = null!, BaseUrl = null! } },
            MonitoringSettings s => c with { Settings = s with { Targets = [null!, new MonitoringTarget { Name = null!, Url = null! }], Thresholds = null!, AlertChannel = null! } },
            CustomSettings s => c with { Settings = s with { Properties = new Dictionary<string, string> { ["k"] = null! } } },
            _ => c,
        },
        c => c.Settings switch
        {
            ApiSettings s => c with { Settings = s with { Auth = new ApiAuth { Scheme = (ApiAuthScheme)77, SecretName = null, HeaderName = null } } },
            MonitoringSettings s => c with { Settings = s with { Targets = null!, AlertChannel = new AlertChannel { Kind = (AlertChannelKind)9 } } },
            CustomSettings s => c with { Settings = s with { Properties = null! } },
            MemorySettings s => c with { Settings = s with { MemoryType = (MemoryType)9 } },
            DataSettings s => c with { Settings = s with { InputFormat = (DataFormat)9, Schedule = "" } },
            _ => c,
        },
        c => c with { Advanced = null! },
        c => c.Advanced is null ? c : c with { Advanced = c.Advanced with { Environment = null!, Dependencies = [null!, new DependencyReference { Package = null! }] } },
        c => c.Advanced is null ? c : c with { Advanced = c.Advanced with { Environment = [null!, new EnvironmentVariable { Name = null!, Value = null! }], Dependencies = null! } },
        c => c with { Execution = null! },
        c => c with { Execution = new ExecutionSettings { Mode = (ExecutionMode)5 } },
        c => c with { Tier = (Tier)(-1) },
        c => c with { Specializations = new Specializations { Industry = (Industry)(-3), Languages = null!, DomainExpertise = null! } },
    ];
}
