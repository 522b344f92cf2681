using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation.Json;
using AgentFactory.Core.Validation.Rules;

namespace AgentFactory.Core.Validation;

/// <summary>
/// The synchronous, pure validation rules (everything except name uniqueness and capacity): fast enough for
/// live validation while a user types. Every entry point returns every problem at once and never throws on any input.
/// </summary>
public sealed class ConfigurationRules
{
    // Cost is only estimated when what pricing reads is valid; otherwise the estimate would be meaningless.
    private static readonly string[] PricedFields = ["/templateId", "/templateVersion", "/tier", "/resources", "/execution"];
    private readonly IMonthlyCostEstimator costEstimator;

    /// <summary>Creates the rules.</summary>
    /// <param name="templates">The template catalog configurations pin.</param>
    /// <param name="dependencies">The dependency catalog.</param>
    /// <param name="runtime">The runtime agents are deployed to.</param>
    /// <param name="costEstimator">Pricing, for the tier budget check.</param>
    public ConfigurationRules(TemplateCatalog templates, DependencyCatalog dependencies, RuntimeProfile runtime, IMonthlyCostEstimator costEstimator)
    {
        Templates = templates;
        Dependencies = dependencies;
        Runtime = runtime;
        this.costEstimator = costEstimator;
    }

    /// <summary>The template catalog.</summary>
    public TemplateCatalog Templates { get; }

    /// <summary>The dependency catalog.</summary>
    public DependencyCatalog Dependencies { get; }

    /// <summary>The target runtime.</summary>
    public RuntimeProfile Runtime { get; }

    /// <summary>Validates a typed configuration (which may hold nulls, e.g. after deserialization).</summary>
    public ValidationResult Validate(AgentConfiguration? configuration)
    {
        var problems = new ProblemList();
        Check(configuration, problems);
        return new ValidationResult { Problems = problems.Items, Configuration = configuration };
    }

    /// <summary>Validates raw JSON: type errors, missing fields and unknown enum values are problems with pointers, then the rules run on what could be read.</summary>
    public ValidationResult Validate(JsonElement json)
    {
        var reading = new ProblemList();
        var configuration = ConfigurationReader.Read(json, reading);
        var rules = new ProblemList();
        Check(configuration, rules);

        // The reader's problem is the precise one; a rule tripping over the same unreadable value (or its
        // parent, now missing) adds nothing.
        var problems = new ProblemList();
        problems.AddRange(reading.Items);
        problems.AddRange(rules.Items.Where(problem => !reading.IsRelatedTo(problem.Pointer)));
        return new ValidationResult { Problems = problems.Items, Configuration = configuration };
    }

    /// <summary>Validates JSON text; text that is not JSON is one <see cref="ValidationCodes.JsonSyntax"/> problem.</summary>
    public ValidationResult Validate(string? json)
    {
        if (json is null)
        {
            return new ValidationResult { Problems = [new ValidationProblem(JsonPointer.Root, ValidationCodes.Required, "A configuration is required.")] };
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" at line {line + 1}, byte {exception.BytePositionInLine + 1}" : "";
            return new ValidationResult { Problems = [new ValidationProblem(JsonPointer.Root, ValidationCodes.JsonSyntax, $"The configuration is not valid JSON{where}; fix the syntax.")] };
        }

        using (document)
        {
            return Validate(document.RootElement);
        }
    }

    private void Check(AgentConfiguration? configuration, ProblemList problems)
    {
        if (configuration is null)
        {
            // The JSON path has already said why there is no configuration.
            return;
        }

        var template = BasicRules.Template(configuration, Templates, problems);
        BasicRules.Name(configuration.Name, problems);
        BasicRules.Description(configuration.Description, problems);
        var tier = BasicRules.Tier(configuration.Tier, problems);
        var context = new RuleContext(template, tier, Dependencies, Runtime);

        CapabilityRules.Check(configuration.Capabilities, template, problems);
        SpecializationRules.Check(configuration.Specializations, problems);
        ResourceRules.Check(configuration.Resources, context, problems);
        SettingsRules.Check(configuration, template, problems);
        if (configuration.Advanced is null)
        {
            problems.Required("/advanced", "Advanced settings");
        }
        else
        {
            EnvironmentRules.Check(configuration.Advanced.Environment, tier, problems);
            DependencyRules.Check(configuration.Advanced.Dependencies, template, Dependencies, problems);
            ExecutionRules.RateLimit(configuration.Advanced.RateLimitPerSecond, problems);
        }

        ExecutionRules.Check(configuration.Execution, tier, problems);
        CheckCost(configuration, template, tier, problems);
    }

    private void CheckCost(AgentConfiguration configuration, AgentTemplate? template, TierLimits? tier, ProblemList problems)
    {
        if (template is null || tier is null || PricedFields.Any(problems.AnyWithin))
        {
            return;
        }

        var estimate = costEstimator.EstimateMonthlyUsd(configuration);
        if (estimate > tier.MonthlyBudgetUsd)
        {
            problems.Add(JsonPointer.Root, ValidationCodes.CostAboveTierBudget,
                $"The estimated monthly cost, {Text.Usd(estimate)}, exceeds the {tier.Tier} tier's budget of {Text.Usd(tier.MonthlyBudgetUsd)}; choose smaller resources, run on demand, or a higher tier.");
        }
    }
}
