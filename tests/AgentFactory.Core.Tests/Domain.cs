using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests;

/// <summary>The embedded catalogs (loaded once) and the rules the tests validate with.</summary>
internal static class Domain
{
    public static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();
    public static readonly DependencyCatalog Dependencies = DependencyCatalog.LoadEmbedded();

    public static IEnumerable<string> TemplateIds => Templates.List().Select(t => t.Id);

    public static TheoryData<string> TemplateIdData => new(TemplateIds);

    public static ConfigurationRules Rules(decimal monthlyCostUsd = 1m, RuntimeProfile? runtime = null) =>
        new(Templates, Dependencies, runtime ?? RuntimeProfile.AzureContainerInstances, new FixedCostEstimator(monthlyCostUsd));

    public static AgentTemplate Template(string id) => Templates.Get(id) ?? throw new InvalidOperationException($"no template {id}");

    /// <summary>The template's default configuration under a valid name.</summary>
    public static AgentConfiguration Default(string templateId, string name = "support-agent") => Template(templateId).CreateDefaultConfiguration(name);

    public static IReadOnlyList<string> Codes(this ValidationResult result) => result.Problems.Select(p => p.Code).ToList();

    public static string Describe(this ValidationResult result) =>
        string.Join(Environment.NewLine, result.Problems.Select(p => $"{p.Pointer} {p.Code}: {p.Message}"));

    public static void AssertValid(ValidationResult result) => Assert.True(result.IsValid, result.Describe());

    /// <summary>Asserts the result has exactly one problem, with this code and pointer.</summary>
    public static ValidationProblem AssertSingle(ValidationResult result, string code, string? pointer = null)
    {
        Assert.True(result.Problems.Count == 1, $"expected only {code}, got:{Environment.NewLine}{result.Describe()}");
        var problem = result.Problems[0];
        Assert.True(problem.Code == code && (pointer is null || problem.Pointer == pointer), $"expected {code} at {pointer}, got {result.Describe()}");
        return problem;
    }
}

/// <summary>A cost estimator that always answers the same figure (pricing lands separately).</summary>
internal sealed class FixedCostEstimator(decimal monthlyUsd) : IMonthlyCostEstimator
{
    public int Calls { get; private set; }

    public decimal EstimateMonthlyUsd(AgentConfiguration configuration)
    {
        Calls++;
        return monthlyUsd;
    }
}
