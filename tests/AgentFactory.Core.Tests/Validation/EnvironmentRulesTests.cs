using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class EnvironmentRulesTests
{
    private static ValidationResult Validate(Tier tier, params EnvironmentVariable[] variables)
    {
        var configuration = Domain.Default("tmpl-blank");
        return Domain.Rules().Validate(configuration with { Tier = tier, Advanced = configuration.Advanced with { Environment = variables } });
    }

    private static EnvironmentVariable Var(string name, string value = "v", bool secret = false) => new() { Name = name, Value = value, Secret = secret };

    [Fact]
    public void Validate_PosixNames_NoProblem()
    {
        Domain.AssertValid(Validate(Tier.Starter, Var("API_URL"), Var("_private"), Var("lower_case1"), Var("X", "")));
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("MY-VAR")]
    [InlineData("MY VAR")]
    [InlineData("")]
    [InlineData("ÄPFEL")]
    public void Validate_NonPosixName_ReportsFormat(string name)
    {
        Domain.AssertSingle(Validate(Tier.Starter, Var("OK"), Var(name)), ValidationCodes.EnvironmentNameFormat, "/advanced/environment/1/name");
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("home")]
    [InlineData("LD_PRELOAD")]
    [InlineData("AGENT_ID")]
    [InlineData("azure_client_id")]
    [InlineData("DOTNET_GCHeapHardLimit")]
    [InlineData("SANDBOX_HTTP")]
    public void Validate_ReservedName_ReportsReserved(string name)
    {
        Domain.AssertSingle(Validate(Tier.Starter, Var(name)), ValidationCodes.EnvironmentNameReserved, "/advanced/environment/0/name");
    }

    [Fact]
    public void Validate_DuplicateIgnoringCase_ReportsTheLaterOne()
    {
        Domain.AssertSingle(Validate(Tier.Starter, Var("TOKEN"), Var("OTHER"), Var("token")), ValidationCodes.EnvironmentDuplicate, "/advanced/environment/2/name");
    }

    [Fact]
    public void Validate_Sizes_BoundedPerNameValueAndTotal()
    {
        Domain.AssertSingle(Validate(Tier.Starter, Var(new string('N', 257))), ValidationCodes.EnvironmentNameLength, "/advanced/environment/0/name");
        Domain.AssertValid(Validate(Tier.Starter, Var("BIG", new string('v', 32 * 1024))));
        Domain.AssertSingle(Validate(Tier.Starter, Var("BIG", new string('é', 16 * 1024 + 1))), ValidationCodes.EnvironmentValueLength, "/advanced/environment/0/value");

        var five = Enumerable.Range(0, 5).Select(i => Var($"BIG_{i}", new string('v', 30 * 1024))).ToArray();
        Domain.AssertSingle(Validate(Tier.Starter, five), ValidationCodes.EnvironmentTotalLength, "/advanced/environment");
    }

    [Fact]
    public void Validate_MoreVariablesThanTheTierAllows_ReportsCount()
    {
        var eleven = Enumerable.Range(0, 11).Select(i => Var($"V{i}")).ToArray();

        Domain.AssertSingle(Validate(Tier.Starter, eleven), ValidationCodes.EnvironmentCountAboveTierLimit, "/advanced/environment");
        Domain.AssertValid(Validate(Tier.Professional, eleven));
    }

    [Fact]
    public void Validate_SecretValueInBadVariable_NeverEchoed()
    {
        const string secret = "s3cr3t-Value-Do-Not-Log";

        var result = Validate(Tier.Starter, Var("PATH", secret, secret: true), Var("1BAD", secret, secret: true), Var("BIG", secret + new string('x', 40_000), secret: true));

        Assert.Equal(3, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.DoesNotContain(secret, p.Message, StringComparison.Ordinal));
    }
}
