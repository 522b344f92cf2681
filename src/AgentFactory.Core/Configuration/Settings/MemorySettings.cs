using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>Which memories a memory agent keeps.</summary>
public enum MemoryType
{
    /// <summary>Only the current conversation/session; nothing survives a restart.</summary>
    ShortTerm,
    /// <summary>Only durable entries, kept for the retention period.</summary>
    LongTerm,
    /// <summary>Both: recent entries in memory, durable ones on storage.</summary>
    Hybrid,
}

/// <summary>Settings of a memory agent (remember / recall / forget).</summary>
public sealed record MemorySettings : TemplateSettings
{
    /// <summary>Smallest allowed <see cref="RetentionDays"/>.</summary>
    public const int MinRetentionDays = 1;
    /// <summary>Largest allowed <see cref="RetentionDays"/> (ten years).</summary>
    public const int MaxRetentionDays = 3650;
    /// <summary>Smallest allowed <see cref="MaxContextSize"/>.</summary>
    public const int MinContextSize = 256;
    /// <summary>Largest allowed <see cref="MaxContextSize"/>.</summary>
    public const int MaxContextSizeLimit = 1_000_000;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Memory;

    /// <summary>Short-term, long-term or both.</summary>
    public required MemoryType MemoryType { get; init; }

    /// <summary>Days a long-term entry is kept unless forgotten earlier.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Upper bound, in characters, of the text one recall returns (entries ranked, then cut).</summary>
    public required int MaxContextSize { get; init; }
}
