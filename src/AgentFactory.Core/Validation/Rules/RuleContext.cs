using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>What the rules know besides the configuration: the template it pins, the tier's limits, the catalogs and the runtime.</summary>
internal sealed record RuleContext(
    AgentTemplate? Template,
    TierLimits? Tier,
    DependencyCatalog Dependencies,
    RuntimeProfile Runtime);
