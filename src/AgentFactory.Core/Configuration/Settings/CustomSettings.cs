using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>Settings of a blank agent: free key/value properties its custom code reads.</summary>
public sealed record CustomSettings : TemplateSettings
{
    /// <summary>Most properties allowed.</summary>
    public const int MaxProperties = 50;
    /// <summary>Longest property value, in characters.</summary>
    public const int MaxPropertyValueLength = 1024;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Custom;

    /// <summary>Properties; keys <c>[A-Za-z][A-Za-z0-9_.-]{0,63}</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
