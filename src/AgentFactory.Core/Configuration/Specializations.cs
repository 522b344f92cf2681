namespace AgentFactory.Core.Configuration;

/// <summary>What the agent knows about: an industry, domain expertise and the languages it works in.</summary>
public sealed record Specializations
{
    /// <summary>The industry, or null for none.</summary>
    public Industry? Industry { get; init; }

    /// <summary>Free-text areas of expertise, e.g. "claims processing" (each 1–64 characters, at most 10).</summary>
    public IReadOnlyList<string> DomainExpertise { get; init; } = [];

    /// <summary>Language codes (BCP 47 language[-Script][-REGION], e.g. "en", "pt-BR", "zh-Hant-TW"); at least one.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
}
