using System.Text.Json;
using AgentFactory.Core.Validation;
using CsCheck;

namespace AgentFactory.Core.Tests.Properties;

public class ValidationPropertyTests
{
    [Fact]
    public void Validate_RandomValidConfiguration_NoProblem()
    {
        var rules = Domain.Rules();

        ConfigurationGen.Valid.Sample(configuration => Domain.AssertValid(rules.Validate(configuration)), iter: 500);
    }

    [Fact]
    public void Validate_RandomValidConfigurationAsJson_NoProblemAndSameConfiguration()
    {
        var rules = Domain.Rules();

        ConfigurationGen.Valid.Sample(configuration =>
        {
            var json = JsonSerializer.Serialize(configuration, AgentFactoryJson.Options);
            var result = rules.Validate(json);

            Domain.AssertValid(result);
            Assert.Equal(json, JsonSerializer.Serialize(result.Configuration, AgentFactoryJson.Options));
        }, iter: 300);
    }

    [Fact]
    public async Task ValidateAsync_RandomValidConfigurationWithRoomyCapacity_NoProblem()
    {
        var validator = new AgentConfigurationValidator(Domain.Rules(), new InMemoryAgentNameRegistry(), ConfiguredCapacityProvider.AciDefaultQuota);
        var target = new ValidationTarget("tenant", "eastus");

        await ConfigurationGen.Valid.SampleAsync(async configuration =>
            Domain.AssertValid(await validator.ValidateAsync(target, configuration)), iter: 200).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [MemberData(nameof(Mutations.Codes), MemberType = typeof(Mutations))]
    public void Validate_SingleRuleBroken_ExactlyThatCode(string code)
    {
        var mutations = Mutations.All.Where(m => m.Code == code).ToArray();
        var applied = 0;

        ConfigurationGen.ValidWithTemplate.Select(Gen.Int[0, mutations.Length - 1]).Sample((sample, index) =>
        {
            var mutation = mutations[index];
            if (mutation.Apply(sample.Configuration, sample.Template) is not { } broken)
            {
                return;
            }

            Interlocked.Increment(ref applied);
            var result = Domain.Rules(mutation.MonthlyCostUsd).Validate(broken);
            Assert.True(result.Problems.Count == 1 && result.Problems[0].Code == code, $"{sample.Template.Id}: expected only {code}, got{Environment.NewLine}{result.Describe()}");
        }, iter: 150);

        Assert.True(applied > 0, $"the {code} mutation never applied");
    }

    [Fact]
    public void Validate_AnySingleMistakeWithASecretPresent_NeverEchoesTheSecret()
    {
        const string marker = "Zq9-secret-marker";

        Gen.Select(ConfigurationGen.ValidWithTemplate, Gen.Int[0, Mutations.All.Count - 1]).Sample((sample, index) =>
        {
            var (configuration, template) = sample;
            var withSecret = configuration with
            {
                Advanced = configuration.Advanced with
                {
                    Environment = [.. configuration.Advanced.Environment, new() { Name = "MY_SECRET", Value = marker, Secret = true }, new() { Name = "1BAD", Value = marker, Secret = true }],
                },
            };
            var broken = Mutations.All[index].Apply(withSecret, template) ?? withSecret;

            var result = Domain.Rules(Mutations.All[index].MonthlyCostUsd).Validate(broken);

            Assert.NotEmpty(result.Problems);
            Assert.All(result.Problems, p => Assert.DoesNotContain(marker, p.Message, StringComparison.Ordinal));
            Assert.DoesNotContain(marker, broken.ToString(), StringComparison.Ordinal);
        }, iter: 300);
    }
}
