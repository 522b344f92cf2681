using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class RetailPriceSheetBuilderTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 24);
    private static readonly DateTimeOffset August = new(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);

    private static PriceSheet EastUs => PriceSheetCatalog.BuiltIn.Find("eastus").Value;

    [Fact]
    public void Build_ChangedPrice_ReplacesTheMeterAndKeepsTheRest()
    {
        var result = Build(Record(PriceMeter.ContainerVcpu, 0.0425m, "1 Hour"));

        Assert.Equal(0.0425m, result.Sheet[PriceMeter.ContainerVcpu].UnitPrice);
        Assert.Equal(new DateOnly(2026, 8, 1), result.Sheet[PriceMeter.ContainerVcpu].EffectiveDate);
        Assert.Equal("Standard vCPU Duration", result.Sheet[PriceMeter.ContainerVcpu].RetailMeterName);
        Assert.Contains("Retail Prices API", result.Sheet[PriceMeter.ContainerVcpu].Source, StringComparison.Ordinal);
        Assert.Equal([PriceMeter.ContainerVcpu], result.Updated);
        Assert.Equal(new MeterPriceChange(PriceMeter.ContainerVcpu, 0.0405m, 0.0425m), Assert.Single(result.Changes));
        Assert.Equal(EastUs[PriceMeter.ContainerMemory], result.Sheet[PriceMeter.ContainerMemory]);
        Assert.DoesNotContain(PriceMeter.ContainerVcpu, result.KeptFromCurrent);
        Assert.Equal(AsOf, result.Sheet.EffectiveDate);
        Assert.Contains("2026-11-24", result.Sheet.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Reservation")]
    [InlineData("DevTestConsumption")]
    public void Build_NotPayAsYouGo_IsSkipped(string type)
    {
        var result = Build(Record(PriceMeter.ContainerVcpu, 0.02m, "1 Hour") with { Type = type });

        Assert.Empty(result.Updated);
        Assert.Same(EastUs, result.Sheet);
        Assert.Contains(result.Notes, n => n.Contains(type, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_PriceEffectiveAfterTheRefreshDate_IsSkipped()
    {
        var result = Build(
            Record(PriceMeter.ContainerVcpu, 0.0405m, "1 Hour"),
            Record(PriceMeter.ContainerVcpu, 0.05m, "1 Hour") with { EffectiveStartDate = August.AddYears(1) });

        Assert.Equal(0.0405m, result.Sheet[PriceMeter.ContainerVcpu].UnitPrice);
        Assert.Contains(result.Notes, n => n.Contains("takes effect after 2026-11-24", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_OlderAndNewerRecords_TheLatestWins()
    {
        var result = Build(
            Record(PriceMeter.ContainerMemory, 0.0049m, "1 GB Hour") with { EffectiveStartDate = August.AddYears(-2) },
            Record(PriceMeter.ContainerMemory, 0.0046m, "1 GB Hour"));

        Assert.Equal(0.0046m, result.Sheet[PriceMeter.ContainerMemory].UnitPrice);
    }

    [Fact]
    public void Build_UpperVolumeTier_IsIgnored()
    {
        var result = Build(
            Record(PriceMeter.BlobHotStorage, 0.0208m, "1 GB/Month"),
            Record(PriceMeter.BlobHotStorage, 0.019968m, "1 GB/Month") with { TierMinimumUnits = 51_200m });

        Assert.Equal(0.0208m, result.Sheet[PriceMeter.BlobHotStorage].UnitPrice);
    }

    [Fact]
    public void Build_EgressTiers_FreeFirstTierBecomesTheAllowance()
    {
        var result = Build(
            Record(PriceMeter.InternetEgress, 0m, "1 GB"),
            Record(PriceMeter.InternetEgress, 0.09m, "1 GB") with { TierMinimumUnits = 100m },
            Record(PriceMeter.InternetEgress, 0.085m, "1 GB") with { TierMinimumUnits = 10_240m });

        var egress = result.Sheet[PriceMeter.InternetEgress];
        Assert.Equal(0.09m, egress.UnitPrice);
        Assert.Equal(100m, egress.FreeQuantityPerMonth);
    }

    [Fact]
    public void Build_EgressFromAnOlderPriceList_IsIgnored()
    {
        // An older list started paying at 5 GB; only the latest list's tiers count.
        var result = Build(
            Record(PriceMeter.InternetEgress, 0.087m, "1 GB") with { TierMinimumUnits = 5m, EffectiveStartDate = August.AddYears(-3) },
            Record(PriceMeter.InternetEgress, 0m, "1 GB"),
            Record(PriceMeter.InternetEgress, 0.087m, "1 GB") with { TierMinimumUnits = 100m });

        Assert.Equal(100m, result.Sheet[PriceMeter.InternetEgress].FreeQuantityPerMonth);
    }

    [Theory]
    [InlineData("1 Second", "0.00001125")]
    [InlineData("100 Seconds", "0.001125")]
    [InlineData("1 Hour", "0.0405")]
    public void Build_VcpuPricedPerSecond_IsNormalisedToPerHour(string unit, string price)
    {
        var result = Build(Record(PriceMeter.ContainerVcpu, decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), unit));

        Assert.Equal(0.0405m, result.Sheet[PriceMeter.ContainerVcpu].UnitPrice);
    }

    [Fact]
    public void Build_MemoryQuotedPerHourWithoutGb_IsReadAsPerGbHour()
    {
        var result = Build(Record(PriceMeter.ContainerMemory, 0.00445m, "1 Hour"));

        Assert.Equal(0.00445m, result.Sheet[PriceMeter.ContainerMemory].UnitPrice);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Build_UnitOfTheWrongDimension_IsSkippedWithANote()
    {
        var result = Build(Record(PriceMeter.QueueOperations, 0.004m, "1 GB/Month"));

        Assert.Empty(result.Updated);
        Assert.Contains(result.Notes, n => n.Contains("'1 GB/Month'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_OtherRegionOrCurrency_IsSkipped()
    {
        var result = Build(
            Record(PriceMeter.ContainerVcpu, 0.046575m, "1 Hour") with { ArmRegionName = "swedencentral" },
            Record(PriceMeter.ContainerVcpu, 0.037m, "1 Hour") with { CurrencyCode = "EUR" });

        Assert.Empty(result.Updated);
        Assert.Contains(result.Notes, n => n.Contains("swedencentral", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("EUR", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SeveralMeterNamesForOneMeter_TheHighestPriceWins()
    {
        var result = Build(
            Record(PriceMeter.QueueOperations, 0.004m, "10K") with { MeterName = "LRS Class 1 Operations" },
            Record(PriceMeter.QueueOperations, 0.0004m, "10K") with { MeterName = "LRS Class 2 Operations" });

        Assert.Equal(0.004m, result.Sheet[PriceMeter.QueueOperations].UnitPrice);
    }

    [Fact]
    public void Build_NonPrimaryDuplicate_PrimaryWinsOnATie()
    {
        var result = Build(
            Record(PriceMeter.ContainerVcpu, 0.05m, "1 Hour") with { IsPrimaryMeterRegion = false },
            Record(PriceMeter.ContainerVcpu, 0.0405m, "1 Hour"));

        Assert.Equal(0.0405m, result.Sheet[PriceMeter.ContainerVcpu].UnitPrice);
    }

    [Fact]
    public void Build_NoRecordOfOurs_ReturnsTheSheetUnchanged()
    {
        var result = Build(new RetailPriceItem { ServiceName = "Virtual Machines", MeterName = "D2s v5", Type = "Consumption" });

        Assert.Same(EastUs, result.Sheet);
        Assert.Empty(result.Updated);
        Assert.Equal(EastUs.Meters.Count, result.KeptFromCurrent.Count);
        Assert.Equal(1, result.ItemsRead);
        Assert.Contains(result.Notes, n => n.Contains("unchanged", StringComparison.Ordinal));
    }

    private static PriceSheetRefreshResult Build(params RetailPriceItem[] items) =>
        RetailPriceSheetBuilder.Build(EastUs, items, AsOf, "test records");

    // A pay-as-you-go East US record of the meter, named as the meter map names it.
    private static RetailPriceItem Record(PriceMeter meter, decimal price, string unit)
    {
        var rule = RetailMeterMap.Rules.Single(r => r.Meter == meter);
        return new RetailPriceItem
        {
            CurrencyCode = "USD",
            RetailPrice = price,
            UnitPrice = price,
            ArmRegionName = "eastus",
            Location = "US East",
            EffectiveStartDate = August,
            MeterId = Guid.NewGuid().ToString(),
            MeterName = rule.MeterNames[0],
            ProductName = rule.ProductName,
            SkuName = rule.SkuName,
            ServiceName = rule.ServiceName,
            UnitOfMeasure = unit,
            Type = "Consumption",
            IsPrimaryMeterRegion = true,
            ArmSkuName = string.Empty,
        };
    }
}
