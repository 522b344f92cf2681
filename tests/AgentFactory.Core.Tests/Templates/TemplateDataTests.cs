using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Templates;

/// <summary>Each template's data is complete and its default configuration is valid as shipped.</summary>
public class TemplateDataTests
{
    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void DefaultConfiguration_OnAci_ValidatesClean(string id)
    {
        Domain.AssertValid(Domain.Rules().Validate(Domain.Default(id)));
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void DefaultConfiguration_AsJson_ValidatesClean(string id)
    {
        var json = JsonSerializer.Serialize(Domain.Default(id), AgentFactoryJson.Options);

        var result = Domain.Rules().Validate(json);

        Domain.AssertValid(result);
        Assert.Equal(json, JsonSerializer.Serialize(result.Configuration, AgentFactoryJson.Options));
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public async Task DefaultConfiguration_WithSeams_ValidatesClean(string id)
    {
        var validator = new AgentConfigurationValidator(Domain.Rules(), new InMemoryAgentNameRegistry(), ConfiguredCapacityProvider.AciDefaultQuota);

        var result = await validator.ValidateAsync(new ValidationTarget("tenant-a", "eastus"), Domain.Default(id)).WaitAsync(TimeSpan.FromSeconds(10));

        Domain.AssertValid(result);
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void DefaultConfiguration_FitsTheDefaultTierBudgetWithAtLeastStarterModes(string id)
    {
        var template = Domain.Template(id);
        var tier = TierLimits.For(template.DefaultConfiguration.Tier)!;

        Assert.Contains(template.DefaultConfiguration.Execution.Mode, tier.ExecutionModes);
        Assert.True(template.Resources.Default.CpuCores <= tier.MaxCpuCores);
        Assert.True(template.Resources.Default.MemoryMb <= tier.MaxMemoryMb);
        Assert.True(template.Resources.Default.StorageGb <= tier.MaxStorageGb);
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void Resources_DefaultsAtLeastMinimumAndMinimumFitsStarter(string id)
    {
        var (minimum, @default) = (Domain.Template(id).Resources.Minimum, Domain.Template(id).Resources.Default);

        Assert.True(@default.CpuCores >= minimum.CpuCores && @default.MemoryMb >= minimum.MemoryMb && @default.StorageGb >= minimum.StorageGb);
        Assert.True(minimum.CpuCores <= TierLimits.Starter.MaxCpuCores, "every template can be configured on Starter");
        Assert.True(minimum.MemoryMb <= TierLimits.Starter.MaxMemoryMb);
        Assert.True(minimum.StorageGb <= TierLimits.Starter.MaxStorageGb);
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void TestTasks_AtLeastThreeCoveringEveryRequiredCapability(string id)
    {
        var template = Domain.Template(id);

        Assert.True(template.TestTasks.Count >= 3);
        Assert.All(template.RequiredCapabilities, capability => Assert.Contains(template.TestTasks, t => t.Covers.Contains(capability)));
        Assert.All(template.TestTasks.SelectMany(t => t.Covers), capability => Assert.True(template.Knows(capability)));
        Assert.Equal(template.TestTasks.Count, template.TestTasks.Select(t => t.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void TestTasks_InputsAreObjectsWithARuntimeOperation(string id)
    {
        var template = Domain.Template(id);

        Assert.All(template.TestTasks, task =>
        {
            Assert.Equal(JsonValueKind.Object, task.Input.ValueKind);
            Assert.Contains(task.Input.GetProperty("op").GetString(), TaskOperations.For(template.Category));
            Assert.All(task.Expect, assertion => Assert.True(ResultPath.TryParse(assertion.Path, out _, out _), assertion.Path));
        });
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void TestTasks_UseTheSandboxEndpointExactlyWhenTheTemplateNeedsNetwork(string id)
    {
        var template = Domain.Template(id);

        Assert.Equal(template.Execution.NetworkAccess, template.TestTasks.Any(t => t.UsesSandboxHttp));
        Assert.DoesNotContain(template.TestTasks, t => t.Input.GetRawText().Contains("://", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void Template_CardDataComplete(string id)
    {
        var template = Domain.Template(id);

        Assert.False(string.IsNullOrWhiteSpace(template.Name));
        Assert.False(string.IsNullOrWhiteSpace(template.Icon));
        Assert.InRange(template.Description.Length, 20, 200);
        Assert.InRange(template.EstimatedMinutes, 1, 30);
        Assert.Equal(template.Category, template.DefaultConfiguration.Settings.Category);
        Assert.NotEmpty(template.OptionalCapabilities);
    }

    [Fact]
    public void Templates_NetworkOnlyForApiAndMonitoring()
    {
        var withNetwork = Domain.Templates.List().Where(t => t.Execution.NetworkAccess).Select(t => t.Category);

        Assert.Equal([TemplateCategory.Api, TemplateCategory.Monitoring], withNetwork.Order());
    }

    [Fact]
    public void Create_TaskWithUnknownOperation_Throws()
    {
        var template = Domain.Template("tmpl-blank");
        var task = template.TestTasks[0] with { Input = JsonDocument.Parse("""{"op":"shout"}""").RootElement };

        var exception = Assert.Throws<CatalogException>(() => TemplateCatalog.Create([template with { TestTasks = [task, .. template.TestTasks.Skip(1)] }]));

        Assert.Contains(exception.Problems, p => p.Contains("op 'shout'", StringComparison.Ordinal));
    }
}
