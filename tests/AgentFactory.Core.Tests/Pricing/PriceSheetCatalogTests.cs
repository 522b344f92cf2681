using AgentFactory.Core.Pricing;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class PriceSheetCatalogTests
{
    private static PriceSheet EastUs => PriceSheetCatalog.BuiltIn.Find("eastus").Value;

    private static PriceSheet SwedenCentral => PriceSheetCatalog.BuiltIn.Find("swedencentral").Value;

    [Fact]
    public void BuiltIn_Regions_AreEastUsAndSwedenCentral()
    {
        Assert.Equal(["eastus", "swedencentral"], PriceSheetCatalog.BuiltIn.Regions);
    }

    // The exact figures of ANCHORS.md "Azure list prices" (East US), per canonical unit.
    [Theory]
    [InlineData(PriceMeter.ContainerVcpu, "0.0405", "1 Hour")]
    [InlineData(PriceMeter.ContainerMemory, "0.00445", "1 GB Hour")]
    [InlineData(PriceMeter.ContainerSpotVcpu, "0.01215", "1 Hour")]
    [InlineData(PriceMeter.ContainerSpotMemory, "0.001335", "1 GB Hour")]
    [InlineData(PriceMeter.BlobHotStorage, "0.0208", "1 GB/Month")]
    [InlineData(PriceMeter.BlobHotWriteOperations, "0.05", "10K")]
    [InlineData(PriceMeter.BlobHotReadOperations, "0.004", "10K")]
    [InlineData(PriceMeter.TableStorage, "0.045", "1 GB/Month")]
    [InlineData(PriceMeter.TableTransactions, "0.00036", "10K")]
    [InlineData(PriceMeter.QueueStorage, "0.045", "1 GB/Month")]
    [InlineData(PriceMeter.QueueOperations, "0.004", "10K")]
    [InlineData(PriceMeter.InternetEgress, "0.087", "1 GB")]
    public void BuiltIn_EastUs_HasTheAnchorsPrice(PriceMeter meter, string price, string unit)
    {
        var meterPrice = EastUs[meter];

        Assert.Equal(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), meterPrice.UnitPrice);
        Assert.Equal(unit, meterPrice.UnitOfMeasure);
        Assert.Contains("ANCHORS", meterPrice.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_EastUs_IsDatedWithCurrencySourceAndEgressAllowance()
    {
        var sheet = EastUs;

        Assert.Equal(new DateOnly(2026, 10, 1), sheet.EffectiveDate);
        Assert.Equal("USD", sheet.Currency);
        Assert.Equal("US East", sheet.Location);
        Assert.Contains("Retail Prices API", sheet.Source, StringComparison.Ordinal);
        Assert.Equal(100m, sheet[PriceMeter.InternetEgress].FreeQuantityPerMonth);
    }

    [Fact]
    public void BuiltIn_SwedenCentral_ContainerPricesAreFifteenPercentAboveEastUs()
    {
        Assert.Equal(EastUs[PriceMeter.ContainerMemory].UnitPrice * 1.15m, SwedenCentral[PriceMeter.ContainerMemory].UnitPrice);
        Assert.Equal(EastUs[PriceMeter.ContainerVcpu].UnitPrice * 1.15m, SwedenCentral[PriceMeter.ContainerVcpu].UnitPrice);
        Assert.Contains("Assumed", SwedenCentral[PriceMeter.ContainerVcpu].Source, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_SwedenCentral_StorageAndEgressAssumedEqualToEastUs()
    {
        foreach (var meter in new[] { PriceMeter.BlobHotStorage, PriceMeter.TableTransactions, PriceMeter.QueueOperations, PriceMeter.InternetEgress })
        {
            Assert.Equal(EastUs[meter].UnitPrice, SwedenCentral[meter].UnitPrice);
            Assert.Contains("Assumed", SwedenCentral[meter].Source, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("eastus", "eastus")]
    [InlineData("East US", "eastus")]
    [InlineData(" EASTUS ", "eastus")]
    [InlineData("Sweden Central", "swedencentral")]
    public void Find_ArmOrDisplayName_FindsTheSheet(string region, string expected)
    {
        var found = PriceSheetCatalog.BuiltIn.Find(region);

        Assert.True(found.IsSuccess);
        Assert.Equal(expected, found.Value.Region);
    }

    [Theory]
    [InlineData("westeurope")]
    [InlineData("")]
    [InlineData(null)]
    public void Find_UnknownRegion_ReturnsErrorNamingKnownRegions(string? region)
    {
        var found = PriceSheetCatalog.BuiltIn.Find(region);

        Assert.False(found.IsSuccess);
        var error = Assert.Single(found.Errors);
        Assert.Equal(PricingErrorCodes.UnknownRegion, error.Code);
        Assert.Equal("region", error.Field);
        Assert.Contains("eastus, swedencentral", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => found.Value);
    }

    [Fact]
    public void With_SheetForKnownRegion_ReplacesIt()
    {
        var newer = new PriceSheet("eastus", "US East", "USD", new DateOnly(2026, 12, 1), "test", EastUs.Meters);

        var catalog = PriceSheetCatalog.BuiltIn.With(newer);

        Assert.Same(newer, catalog.Find("eastus").Value);
        Assert.Equal(PriceSheetCatalog.BuiltIn.Regions, catalog.Regions);
    }

    [Fact]
    public void PriceSheet_WithoutARequiredMeter_Throws()
    {
        var meters = EastUs.Meters.Where(m => m.Meter != PriceMeter.ContainerMemory);

        var error = Assert.Throws<ArgumentException>(() => new PriceSheet("eastus", "US East", "USD", new DateOnly(2026, 10, 1), "test", meters));

        Assert.Contains(nameof(PriceMeter.ContainerMemory), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PriceSheet_OptionalMeterMissing_TryGetPriceReturnsFalse()
    {
        var sheet = new PriceSheet("eastus", "US East", "USD", new DateOnly(2026, 10, 1), "test",
            EastUs.Meters.Where(m => m.Meter != PriceMeter.ContainerSpotVcpu));

        Assert.False(sheet.TryGetPrice(PriceMeter.ContainerSpotVcpu, out _));
        Assert.Throws<KeyNotFoundException>(() => sheet[PriceMeter.ContainerSpotVcpu]);
    }
}
