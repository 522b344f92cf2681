using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class BasicRulesTests
{
    private static ValidationResult WithName(string name) => Domain.Rules().Validate(Domain.Default("tmpl-blank", name));

    [Theory]
    [InlineData("abc")]
    [InlineData("support-agent-1")]
    [InlineData("a1-b2-c3")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Validate_WellFormedName_NoProblem(string name) => Domain.AssertValid(WithName(name));

    [Theory]
    [InlineData("ab", ValidationCodes.NameLength)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", ValidationCodes.NameLength)]
    [InlineData("Support", ValidationCodes.NameFormat)]
    [InlineData("1agent", ValidationCodes.NameFormat)]
    [InlineData("-agent", ValidationCodes.NameFormat)]
    [InlineData("agent_1", ValidationCodes.NameFormat)]
    [InlineData("agent.1", ValidationCodes.NameFormat)]
    [InlineData("agent 1", ValidationCodes.NameFormat)]
    [InlineData("agënt", ValidationCodes.NameFormat)]
    [InlineData("agent--1", ValidationCodes.NameHyphens)]
    [InlineData("agent-", ValidationCodes.NameHyphens)]
    public void Validate_BadName_ReportsItsCode(string name, string code) => Domain.AssertSingle(WithName(name), code, "/name");

    [Fact]
    public void Validate_NameShortAndUppercase_ReportsBoth()
    {
        Assert.Equal([ValidationCodes.NameLength, ValidationCodes.NameFormat], WithName("A-").Codes().Take(2));
    }

    [Fact]
    public void Validate_DescriptionOver200_ReportsLength()
    {
        var configuration = Domain.Default("tmpl-api") with { Description = new string('x', 201) };

        Domain.AssertSingle(Domain.Rules().Validate(configuration), ValidationCodes.DescriptionLength, "/description");
        Domain.AssertValid(Domain.Rules().Validate(configuration with { Description = new string('x', 200) }));
        Domain.AssertValid(Domain.Rules().Validate(configuration with { Description = null }));
    }

    [Fact]
    public void Validate_UnknownTemplate_ReportsTemplateUnknownAndSkipsTemplateRules()
    {
        var configuration = Domain.Default("tmpl-memory") with { TemplateId = "tmpl-chatbot" };

        var problem = Domain.AssertSingle(Domain.Rules().Validate(configuration), ValidationCodes.TemplateUnknown, "/templateId");

        Assert.Contains("tmpl-memory", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownTemplateVersion_ReportsVersionUnknown()
    {
        var configuration = Domain.Default("tmpl-memory") with { TemplateVersion = 7 };

        var problem = Domain.AssertSingle(Domain.Rules().Validate(configuration), ValidationCodes.TemplateVersionUnknown, "/templateVersion");

        Assert.Contains("has 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedTier_ReportsEnumUndefined()
    {
        var configuration = Domain.Default("tmpl-blank") with { Tier = (Tier)9 };

        Domain.AssertSingle(Domain.Rules().Validate(configuration), ValidationCodes.EnumUndefined, "/tier");
    }
}
