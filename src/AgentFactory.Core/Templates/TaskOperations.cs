namespace AgentFactory.Core.Templates;

/// <summary>
/// The <c>op</c> values the agent runtime executes for each template kind — the contract between the
/// templates' test tasks and the runtime (shapes in docs/DOMAIN.md).
/// </summary>
public static class TaskOperations
{
    private static readonly Dictionary<TemplateCategory, IReadOnlyList<string>> Operations = new()
    {
        // "sequence" runs several ops against the same memory and returns their results in order.
        [TemplateCategory.Memory] = ["remember", "recall", "forget", "advanceClock", "sequence"],
        [TemplateCategory.Orchestration] = ["run"],
        [TemplateCategory.Api] = ["call", "burst"],
        [TemplateCategory.Data] = ["etl"],
        [TemplateCategory.Monitoring] = ["check"],
        [TemplateCategory.Custom] = ["echo", "describe"],
    };

    /// <summary>The operations of <paramref name="category"/> (empty for an unknown value).</summary>
    public static IReadOnlyList<string> For(TemplateCategory category) => Operations.GetValueOrDefault(category) ?? [];
}
