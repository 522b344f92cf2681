using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class ResourceRulesTests
{
    private static ValidationResult Validate(string template, Tier tier, ResourceSelection resources, RuntimeProfile? runtime = null) =>
        Domain.Rules(runtime: runtime).Validate(Domain.Default(template) with { Tier = tier, Resources = resources, Execution = ExecutionSettings.OnDemand(10, 5) });

    private static ResourceSelection Size(decimal cpu, int memory, int storage) => new() { CpuCores = cpu, MemoryMb = memory, StorageGb = storage };

    [Theory]
    [InlineData(0.75, 1024, 5, ValidationCodes.CpuNotAllowed, "/resources/cpuCores")]
    [InlineData(8, 1024, 5, ValidationCodes.CpuNotAllowed, "/resources/cpuCores")]
    [InlineData(1, 768, 5, ValidationCodes.MemoryNotAllowed, "/resources/memoryMb")]
    [InlineData(1, 8192, 5, ValidationCodes.MemoryNotAllowed, "/resources/memoryMb")]
    [InlineData(1, 1024, 2, ValidationCodes.StorageNotAllowed, "/resources/storageGb")]
    [InlineData(1, 1024, 50, ValidationCodes.StorageNotAllowed, "/resources/storageGb")]
    public void Validate_UnofferedSize_ReportsNotAllowedOnly(decimal cpu, int memory, int storage, string code, string pointer)
    {
        Domain.AssertSingle(Validate("tmpl-memory", Tier.Enterprise, Size(cpu, memory, storage)), code, pointer);
    }

    [Theory]
    [InlineData(0.5, 2048, 10, ValidationCodes.CpuBelowTemplateMinimum)]
    [InlineData(1, 1024, 10, ValidationCodes.MemoryBelowTemplateMinimum)]
    [InlineData(1, 2048, 5, ValidationCodes.StorageBelowTemplateMinimum)]
    public void Validate_BelowTemplateMinimum_Reported(decimal cpu, int memory, int storage, string code)
    {
        var problem = Domain.AssertSingle(Validate("tmpl-data", Tier.Enterprise, Size(cpu, memory, storage)), code);

        Assert.Contains("Data Agent needs at least", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 2048, 10, ValidationCodes.CpuAboveTierLimit)]
    [InlineData(1, 4096, 10, ValidationCodes.MemoryAboveTierLimit)]
    [InlineData(1, 2048, 20, ValidationCodes.StorageAboveTierLimit)]
    public void Validate_AboveStarterLimits_Reported(decimal cpu, int memory, int storage, string code)
    {
        Domain.AssertSingle(Validate("tmpl-memory", Tier.Starter, Size(cpu, memory, storage)), code);
    }

    [Fact]
    public void Validate_512MbOnAci_AcceptedAndProvisionedAsOneGigabyte()
    {
        Domain.AssertValid(Validate("tmpl-monitoring", Tier.Starter, Size(0.5m, 512, 1)));

        Assert.Equal(1024, RuntimeProfile.AzureContainerInstances.ProvisionedMemoryMb(512));
        Assert.Equal(2048, RuntimeProfile.AzureContainerInstances.ProvisionedMemoryMb(2048));
        Assert.Equal(512, RuntimeProfile.Local(2, 4096, 20).ProvisionedMemoryMb(512));
    }

    [Fact]
    public void Validate_MoreThanTheLocalHostHas_ReportsExceedsRuntime()
    {
        var smallHost = RuntimeProfile.Local(maxCpuCores: 2, maxMemoryMb: 3000, maxStorageGb: 10);

        var result = Validate("tmpl-memory", Tier.Enterprise, Size(4, 4096, 20), smallHost);

        Assert.Equal([ValidationCodes.CpuExceedsRuntime, ValidationCodes.MemoryExceedsRuntime, ValidationCodes.StorageExceedsRuntime], result.Codes());
    }

    [Fact]
    public void Validate_LargestOfferedSizeOnAci_Fits()
    {
        Domain.AssertValid(Validate("tmpl-memory", Tier.Enterprise, Size(4, 4096, 20)));
    }
}
