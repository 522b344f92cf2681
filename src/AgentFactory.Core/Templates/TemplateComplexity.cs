namespace AgentFactory.Core.Templates;

/// <summary>How much a user has to decide to get a template's agent working.</summary>
public enum TemplateComplexity
{
    /// <summary>Defaults mostly suffice.</summary>
    Low,
    /// <summary>A few decisions to make.</summary>
    Medium,
    /// <summary>Most of the design is the user's.</summary>
    High,
}
