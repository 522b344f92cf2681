using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class DependencyRulesTests
{
    private static ValidationResult Validate(string template, params DependencyReference[] dependencies)
    {
        var configuration = Domain.Default(template);
        return Domain.Rules().Validate(configuration with { Advanced = configuration.Advanced with { Dependencies = dependencies } });
    }

    private static DependencyReference Dep(string package, string? version = null) => new() { Package = package, Version = version };

    [Fact]
    public void Validate_UnversionedKnownPackage_TakesLatestAndPasses()
    {
        Domain.AssertValid(Validate("tmpl-data", Dep("csvhelper"), Dep("Quartz")));
    }

    [Fact]
    public void Validate_UnknownPackage_ReportsUnknownPackage()
    {
        Domain.AssertSingle(Validate("tmpl-data", Dep("CsvHelper"), Dep("left-pad", "1.0.0")), ValidationCodes.DependenciesUnknownPackage, "/advanced/dependencies/1/package");
    }

    [Fact]
    public void Validate_UnknownVersion_ReportsUnknownVersion()
    {
        var problem = Domain.AssertSingle(Validate("tmpl-data", Dep("CsvHelper", "12.0.0")), ValidationCodes.DependenciesUnknownVersion, "/advanced/dependencies/0/version");

        Assert.Contains("33.0.1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConflictingPair_ReportsConflictAtTheLaterOne()
    {
        Domain.AssertSingle(Validate("tmpl-data", Dep("CsvHelper"), Dep("Serilog"), Dep("Sylvan.Data.Csv")), ValidationCodes.DependenciesConflict, "/advanced/dependencies/2");
    }

    [Fact]
    public void Validate_VersionScopedConflict_OnlyForThatVersion()
    {
        Domain.AssertSingle(Validate("tmpl-orchestration", Dep("Polly", "7.2.4"), Dep("Microsoft.Extensions.Http.Resilience")), ValidationCodes.DependenciesConflict);
        Domain.AssertValid(Validate("tmpl-orchestration", Dep("Polly", "8.4.2"), Dep("Microsoft.Extensions.Http.Resilience")));
    }

    [Theory]
    [InlineData("tmpl-data", "CSV library")]
    [InlineData("tmpl-api", "HTTP client")]
    [InlineData("tmpl-memory", "long-term memory")]
    public void Validate_TemplateRequirementMissing_Reported(string template, string need)
    {
        var problem = Domain.AssertSingle(Validate(template, Dep("Serilog")), ValidationCodes.DependenciesTemplateRequirementMissing, "/advanced/dependencies");

        Assert.Contains(need, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BlankTemplate_NeedsNoDependency()
    {
        Domain.AssertValid(Validate("tmpl-blank"));
    }

    [Fact]
    public void Validate_SamePackageTwice_ReportsDuplicate()
    {
        Domain.AssertSingle(Validate("tmpl-data", Dep("CsvHelper"), Dep("CSVHELPER", "30.0.1")), ValidationCodes.DependenciesDuplicate, "/advanced/dependencies/1/package");
    }
}
