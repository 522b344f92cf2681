using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class CapabilityAndSpecializationTests
{
    private static ValidationResult Validate(Func<AgentConfiguration, AgentConfiguration> change, string template = "tmpl-memory") =>
        Domain.Rules().Validate(change(Domain.Default(template)));

    private static AgentConfiguration Selected(AgentConfiguration c, params string[] selected) =>
        c with { Capabilities = c.Capabilities with { Selected = selected } };

    private static AgentConfiguration Custom(AgentConfiguration c, params string[] custom) =>
        c with { Capabilities = c.Capabilities with { Custom = custom } };

    private static AgentConfiguration Languages(AgentConfiguration c, params string[] languages) =>
        c with { Specializations = c.Specializations with { Languages = languages } };

    [Fact]
    public void Validate_RequiredCapabilityMissing_ReportsIt()
    {
        var problem = Domain.AssertSingle(Validate(c => Selected(c, "memory_storage")), ValidationCodes.CapabilitiesRequiredMissing, "/capabilities/selected");

        Assert.Contains("context_retrieval", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OptionalCapabilitiesChosen_NoProblem()
    {
        Domain.AssertValid(Validate(c => Selected(c, "memory_storage", "context_retrieval", "semantic_search", "summarization")));
    }

    [Fact]
    public void Validate_CapabilityOfAnotherTemplate_ReportsUnknown()
    {
        Domain.AssertSingle(Validate(c => Selected(c, "memory_storage", "context_retrieval", "health_checks")), ValidationCodes.CapabilitiesUnknown, "/capabilities/selected/2");
    }

    [Fact]
    public void Validate_CapabilityTwice_ReportsDuplicate()
    {
        Domain.AssertSingle(Validate(c => Selected(c, "memory_storage", "context_retrieval", "memory_storage")), ValidationCodes.CapabilitiesDuplicate, "/capabilities/selected/2");
    }

    [Theory]
    [InlineData("Invoice_Parsing", ValidationCodes.CapabilitiesCustomFormat)]
    [InlineData("invoice-parsing", ValidationCodes.CapabilitiesCustomFormat)]
    [InlineData("x", ValidationCodes.CapabilitiesCustomFormat)]
    [InlineData("9lives", ValidationCodes.CapabilitiesCustomFormat)]
    [InlineData("semantic_search", ValidationCodes.CapabilitiesCustomShadowsTemplate)]
    public void Validate_BadCustomCapability_ReportsItsCode(string custom, string code)
    {
        Domain.AssertSingle(Validate(c => Custom(c, "invoice_parsing", custom)), code, "/capabilities/custom/1");
    }

    [Fact]
    public void Validate_CustomCapabilities_AcceptedUpTo20()
    {
        var twenty = Enumerable.Range(0, 20).Select(i => $"custom_{i}").ToArray();

        Domain.AssertValid(Validate(c => Custom(c, twenty), "tmpl-blank"));
        Domain.AssertSingle(Validate(c => Custom(c, [.. twenty, "custom_20"]), "tmpl-blank"), ValidationCodes.CapabilitiesCustomTooMany, "/capabilities/custom");
        Domain.AssertSingle(Validate(c => Custom(c, "custom_a", "custom_a"), "tmpl-blank"), ValidationCodes.CapabilitiesDuplicate, "/capabilities/custom/1");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("pt-BR")]
    [InlineData("zh-Hant-TW")]
    [InlineData("es-419")]
    [InlineData("fil")]
    public void Validate_Bcp47Language_NoProblem(string language) => Domain.AssertValid(Validate(c => Languages(c, language)));

    [Theory]
    [InlineData("english")]
    [InlineData("e")]
    [InlineData("pt_BR")]
    [InlineData("en-")]
    [InlineData("en-US-x")]
    public void Validate_MalformedLanguage_ReportsFormat(string language)
    {
        Domain.AssertSingle(Validate(c => Languages(c, "en", language)), ValidationCodes.LanguagesFormat, "/specializations/languages/1");
    }

    [Fact]
    public void Validate_LanguagesEmptyOrRepeated_Reported()
    {
        Domain.AssertSingle(Validate(c => Languages(c)), ValidationCodes.LanguagesRequired, "/specializations/languages");
        Domain.AssertSingle(Validate(c => Languages(c, "en", "EN")), ValidationCodes.LanguagesDuplicate, "/specializations/languages/1");
    }

    [Fact]
    public void Validate_DomainExpertise_BoundedInCountAndLength()
    {
        AgentConfiguration Expertise(AgentConfiguration c, params string[] items) => c with { Specializations = c.Specializations with { DomainExpertise = items } };

        Domain.AssertValid(Validate(c => Expertise(c, "claims processing", "ICD-10 coding") with { Specializations = c.Specializations with { Industry = Industry.Healthcare, DomainExpertise = ["claims"] } }));
        Domain.AssertSingle(Validate(c => Expertise(c, "  ")), ValidationCodes.DomainExpertiseLength, "/specializations/domainExpertise/0");
        Domain.AssertSingle(Validate(c => Expertise(c, new string('x', 65))), ValidationCodes.DomainExpertiseLength);
        Domain.AssertSingle(Validate(c => Expertise(c, Enumerable.Range(0, 11).Select(i => $"area {i}").ToArray())), ValidationCodes.DomainExpertiseTooMany);
    }

    [Fact]
    public void Validate_UndefinedIndustry_ReportsEnumUndefined()
    {
        Domain.AssertSingle(Validate(c => c with { Specializations = c.Specializations with { Industry = (Industry)99 } }), ValidationCodes.EnumUndefined, "/specializations/industry");
    }
}
