using System.Text.Json;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.Core.Configuration;

/// <summary>
/// The configuration of one agent, as the wizard's "Configure Agent" step submits it. Immutable;
/// serialize with <see cref="AgentFactoryJson.Options"/>. It pins <see cref="TemplateId"/> and
/// <see cref="TemplateVersion"/> so a later template change never alters an agent in flight.
/// </summary>
/// <remarks>
/// Instances may come from deserialization and hold nulls where the compiler says they cannot:
/// validation copes with that and reports them as problems.
/// </remarks>
public sealed record AgentConfiguration
{
    /// <summary>The template's id, e.g. <c>tmpl-memory</c>.</summary>
    public required string TemplateId { get; init; }

    /// <summary>The template version the configuration was made from.</summary>
    public required int TemplateVersion { get; init; }

    /// <summary>The agent's name: unique in the tenant; also its queue, blob container and container group name.</summary>
    public required string Name { get; init; }

    /// <summary>A description of at most 200 characters.</summary>
    public string? Description { get; init; }

    /// <summary>The tier, whose limits the configuration must fit.</summary>
    public required Tier Tier { get; init; }

    /// <summary>Template and custom capabilities.</summary>
    public required CapabilitySelection Capabilities { get; init; }

    /// <summary>Industry, domain expertise and languages.</summary>
    public required Specializations Specializations { get; init; }

    /// <summary>CPU, memory and storage.</summary>
    public required ResourceSelection Resources { get; init; }

    /// <summary>The settings of the template's kind (memory, orchestration, api, data, monitoring, custom).</summary>
    public required TemplateSettings Settings { get; init; }

    /// <summary>Environment variables, dependencies, rate limit.</summary>
    public required AdvancedSettings Advanced { get; init; }

    /// <summary>Always on or on demand (with the expected load).</summary>
    public required ExecutionSettings Execution { get; init; }

    /// <summary>
    /// A copy whose secret environment values are replaced by <see cref="EnvironmentVariable.RedactedValue"/>:
    /// the view to log, store in history or show back to a client.
    /// </summary>
    public AgentConfiguration Redacted() => Advanced is null ? this : this with { Advanced = Advanced.Redacted() };

    /// <summary>The redacted configuration as JSON, safe for logs; never throws.</summary>
    public override string ToString()
    {
        try
        {
            return JsonSerializer.Serialize(Redacted(), AgentFactoryJson.Options);
        }
        catch (JsonException)
        {
            // An enum holding an undefined number cannot be written as a string; a log line must still come out.
            return $"AgentConfiguration {{ TemplateId = {TemplateId}, TemplateVersion = {TemplateVersion}, Name = {Name}, Tier = {Tier} }}";
        }
    }
}
