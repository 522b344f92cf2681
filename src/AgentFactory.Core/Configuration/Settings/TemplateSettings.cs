using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>
/// The settings specific to a template's kind. In JSON the <c>kind</c> property (the template category in
/// camelCase) says which: <c>memory</c>, <c>orchestration</c>, <c>api</c>, <c>data</c>, <c>monitoring</c> or <c>custom</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = KindProperty, UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(MemorySettings), "memory")]
[JsonDerivedType(typeof(OrchestrationSettings), "orchestration")]
[JsonDerivedType(typeof(ApiSettings), "api")]
[JsonDerivedType(typeof(DataSettings), "data")]
[JsonDerivedType(typeof(MonitoringSettings), "monitoring")]
[JsonDerivedType(typeof(CustomSettings), "custom")]
public abstract record TemplateSettings
{
    /// <summary>The JSON discriminator property.</summary>
    public const string KindProperty = "kind";

    /// <summary>The template category these settings belong to.</summary>
    [JsonIgnore]
    public abstract TemplateCategory Category { get; }
}
