using System.Text.Json;
using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Tests.Validation;

public class RedactionTests
{
    private const string Secret = "sk-live-0123456789abcdef";

    private static AgentConfiguration WithSecret()
    {
        var configuration = Domain.Default("tmpl-api");
        return configuration with
        {
            Advanced = configuration.Advanced with
            {
                Environment = [new EnvironmentVariable { Name = "API_TOKEN", Value = Secret, Secret = true }, new EnvironmentVariable { Name = "REGION", Value = "eu" }],
            },
        };
    }

    [Fact]
    public void Redacted_SecretValuesReplaced_OthersKept()
    {
        var configuration = WithSecret();

        var redacted = configuration.Redacted();

        Assert.Equal([EnvironmentVariable.RedactedValue, "eu"], redacted.Advanced.Environment.Select(v => v.Value));
        Assert.Equal(Secret, configuration.Advanced.Environment[0].Value);
        Assert.Equal(configuration.Name, redacted.Name);
    }

    [Fact]
    public void ToString_ConfigurationAndVariable_NeverContainTheSecret()
    {
        var configuration = WithSecret();

        Assert.DoesNotContain(Secret, configuration.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"value\":\"***\"", configuration.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, configuration.Advanced.Environment[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, configuration.Advanced.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Redacted_HasNoSecretButTheFullConfigurationDoes()
    {
        var configuration = WithSecret();

        Assert.DoesNotContain(Secret, JsonSerializer.Serialize(configuration.Redacted(), AgentFactoryJson.Options), StringComparison.Ordinal);
        Assert.Contains(Secret, JsonSerializer.Serialize(configuration, AgentFactoryJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void Redacted_NullsInside_DoNotThrow()
    {
        var configuration = WithSecret() with { Advanced = new AdvancedSettings { Environment = [null!] } };

        Assert.Null(Assert.Single(configuration.Redacted().Advanced.Environment));
        Assert.NotNull((configuration with { Advanced = null! }).ToString());
    }
}
