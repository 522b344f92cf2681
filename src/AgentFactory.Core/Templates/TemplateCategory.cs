namespace AgentFactory.Core.Templates;

/// <summary>The kind of agent a template creates; it also selects the kind of <see cref="Configuration.Settings.TemplateSettings"/>.</summary>
public enum TemplateCategory
{
    /// <summary>Short-term and long-term memory.</summary>
    Memory,
    /// <summary>Multi-step workflows with dependencies.</summary>
    Orchestration,
    /// <summary>External API integration.</summary>
    Api,
    /// <summary>Data pipelines: ETL and transformations.</summary>
    Data,
    /// <summary>Health checks and alerting.</summary>
    Monitoring,
    /// <summary>Start from scratch (the blank template).</summary>
    Custom,
}
