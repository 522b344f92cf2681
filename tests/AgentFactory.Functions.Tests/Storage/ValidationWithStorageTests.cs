using AgentFactory.Core.Configuration;
using AgentFactory.Core.Dependencies;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Tests.Storage;

/// <summary>The validator with its production seams: names from the Agents table, the real price sheet.</summary>
public sealed class ValidationWithStorageTests(TablesFixture fixture) : IClassFixture<TablesFixture>
{
    private static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();

    private AgentConfigurationValidator Validator => new(
        new ConfigurationRules(Templates, DependencyCatalog.LoadEmbedded(), RuntimeProfile.AzureContainerInstances,
            new ConfigurationCostEstimator(new CostEstimator(), PriceSheetCatalog.BuiltIn, RuntimeProfile.AzureContainerInstances, "eastus")),
        new AgentNameTable(fixture.Tables),
        new ConfiguredCapacityProvider(new CapacitySnapshot(100m, 400 * 1024)));

    [Fact(Timeout = 30_000)]
    public async Task ValidateAsync_NameReservedInTable_NameTaken_OnlyInThatTenant()
    {
        string name = "billing-" + Guid.NewGuid().ToString("N")[..6];
        AgentConfiguration configuration = Templates.Get("tmpl-memory")!.CreateDefaultConfiguration(name);
        Assert.True((await Validator.ValidateAsync(new ValidationTarget("tenant-v", "eastus"), configuration)).IsValid);

        await new AgentNameTable(fixture.Tables).ReserveAsync("tenant-v", name, "d1", DateTimeOffset.UtcNow);

        ValidationResult taken = await Validator.ValidateAsync(new ValidationTarget("tenant-v", "eastus"), configuration);
        ValidationProblem problem = Assert.Single(taken.Problems);
        Assert.Equal((ValidationCodes.NameTaken, "/name"), (problem.Code, problem.Pointer));
        Assert.True((await Validator.ValidateAsync(new ValidationTarget("tenant-w", "eastus"), configuration)).IsValid);
    }
}
