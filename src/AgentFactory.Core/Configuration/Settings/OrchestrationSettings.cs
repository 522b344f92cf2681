using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>Settings of an orchestration agent (workflows given as a dependency graph of steps).</summary>
public sealed record OrchestrationSettings : TemplateSettings
{
    /// <summary>Largest allowed <see cref="MaxParallelSteps"/>.</summary>
    public const int MaxParallelStepsLimit = 32;
    /// <summary>Largest allowed <see cref="StepTimeoutSeconds"/> (one hour).</summary>
    public const int MaxStepTimeoutSeconds = 3600;
    /// <summary>Largest allowed <see cref="MaxRetries"/>.</summary>
    public const int MaxRetriesLimit = 10;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Orchestration;

    /// <summary>How many ready steps run at once (1–32).</summary>
    public required int MaxParallelSteps { get; init; }

    /// <summary>A step running longer than this fails with a timeout (1–3600 s).</summary>
    public required int StepTimeoutSeconds { get; init; }

    /// <summary>Retries of a failed or timed-out step before the workflow fails (0–10).</summary>
    public required int MaxRetries { get; init; }
}
