using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class RetailMeterMapTests
{
    [Theory]
    [InlineData("Container Instances", "Container Instances", "Standard", "Standard vCPU Duration", PriceMeter.ContainerVcpu)]
    [InlineData("Container Instances", "Container Instances", "Standard", "vCPU Duration", PriceMeter.ContainerVcpu)]
    [InlineData("Container Instances", "Container Instances", "Standard", "Standard Memory Duration", PriceMeter.ContainerMemory)]
    [InlineData("Container Instances", "Container Instances", "Standard", "Memory Duration", PriceMeter.ContainerMemory)]
    [InlineData("Container Instances", "Container Instances", "Standard Spot", "Standard Spot vCPU Duration", PriceMeter.ContainerSpotVcpu)]
    [InlineData("Container Instances", "Container Instances", "Standard Spot", "Standard Spot Memory Duration", PriceMeter.ContainerSpotMemory)]
    [InlineData("Storage", "General Block Blob v2", "Hot LRS", "Hot LRS Data Stored", PriceMeter.BlobHotStorage)]
    [InlineData("Storage", "General Block Blob v2", "Hot LRS", "Hot LRS Write Operations", PriceMeter.BlobHotWriteOperations)]
    [InlineData("Storage", "General Block Blob v2", "Hot LRS", "Hot Read Operations", PriceMeter.BlobHotReadOperations)]
    [InlineData("Storage", "Tables", "Standard LRS", "LRS Data Stored", PriceMeter.TableStorage)]
    [InlineData("Storage", "Tables", "Standard LRS", "Batch Write Operations", PriceMeter.TableTransactions)]
    [InlineData("Storage", "Queues v2", "Standard LRS", "LRS Data Stored", PriceMeter.QueueStorage)]
    [InlineData("Storage", "Queues v2", "Standard LRS", "LRS Class 1 Operations", PriceMeter.QueueOperations)]
    [InlineData("Storage", "Queues v2", "Standard LRS", "LRS Class 2 Operations", PriceMeter.QueueOperations)]
    [InlineData("Bandwidth", "Rtn Preference: MGN", "Standard", "Standard Data Transfer Out", PriceMeter.InternetEgress)]
    [InlineData("container instances", "CONTAINER INSTANCES", "standard", " standard vcpu duration ", PriceMeter.ContainerVcpu)]
    public void TryMap_RecordOfOurMeter_MapsToIt(string service, string product, string sku, string meterName, PriceMeter expected)
    {
        var item = new RetailPriceItem { ServiceName = service, ProductName = product, SkuName = sku, MeterName = meterName };

        Assert.True(RetailMeterMap.TryMap(item, out var meter));
        Assert.Equal(expected, meter);
    }

    [Theory]
    [InlineData("Container Instances", "Container Instances with GPU", "K80", "vCPU Duration")]
    [InlineData("Container Instances", "Container Instances with GPU", "K80", "Memory Duration")]
    [InlineData("Container Instances", "Container Instances", "Standard", "Standard Windows Software Duration")]
    [InlineData("Container Instances", "Container Instances", "Confidential containers ACI", "Confidential containers ACI vCPU Duration")]
    [InlineData("Storage", "General Block Blob v2", "Hot GRS", "Hot GRS Data Stored")]
    [InlineData("Storage", "Tables", "Standard GRS", "GRS Data Stored")]
    [InlineData("Bandwidth", "Rtn Preference: Internet", "Standard", "Standard Data Transfer Out")]
    public void TryMap_RecordOfAnotherSkuOrProduct_IsNotMapped(string service, string product, string sku, string meterName)
    {
        var item = new RetailPriceItem { ServiceName = service, ProductName = product, SkuName = sku, MeterName = meterName };

        Assert.False(RetailMeterMap.TryMap(item, out _));
    }

    [Fact]
    public void Rules_CoverEveryMeterOnce()
    {
        Assert.Equal(Enum.GetValues<PriceMeter>(), RetailMeterMap.Rules.Select(r => r.Meter).Order());
    }
}
