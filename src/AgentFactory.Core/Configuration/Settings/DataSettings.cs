using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>Record formats a data agent reads and writes.</summary>
public enum DataFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,
    /// <summary>One JSON object per line.</summary>
    JsonLines,
}

/// <summary>Settings of a data agent (ETL: read, filter/map/aggregate, write).</summary>
public sealed record DataSettings : TemplateSettings
{
    /// <summary>Largest allowed <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 100_000;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Data;

    /// <summary>Input format.</summary>
    public required DataFormat InputFormat { get; init; }

    /// <summary>Output format.</summary>
    public required DataFormat OutputFormat { get; init; }

    /// <summary>Records processed per batch (1–100,000).</summary>
    public required int BatchSize { get; init; }

    /// <summary>A five-field cron expression (UTC) for scheduled runs, or null to run only on request.</summary>
    public string? Schedule { get; init; }
}
