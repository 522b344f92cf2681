using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class RetailPriceRefresherTests
{
    private static PriceSheet EastUs => PriceSheetCatalog.BuiltIn.Find("eastus").Value;

    [Fact(Timeout = 10_000)]
    public async Task RefreshAsync_TwoPageFixture_FollowsNextPageLinkToTheLastPage()
    {
        var source = Fixtures.TwoPageSource();

        var result = await new RetailPriceRefresher(source).RefreshAsync(EastUs, [Fixtures.Page1Url], Fixtures.RefreshDate);

        Assert.Equal([Fixtures.Page1Url, Fixtures.Page2Url], source.Requested);
        Assert.Equal(2, result.PagesRead);
        Assert.Equal(25, result.ItemsRead);
    }

    [Fact(Timeout = 10_000)]
    public async Task RefreshAsync_TwoPageFixture_BuildsADatedSheetFromTheConsumptionRecords()
    {
        var result = await new RetailPriceRefresher(Fixtures.TwoPageSource()).RefreshAsync(EastUs, [Fixtures.Page1Url], Fixtures.RefreshDate);
        var sheet = result.Sheet;

        Assert.Equal(Fixtures.RefreshDate, sheet.EffectiveDate);
        Assert.StartsWith("Azure Retail Prices API (https://prices.azure.com/api/retail/prices), read 2026-11-24", sheet.Source, StringComparison.Ordinal);

        // The reservation (0.0255), dev/test (0.03) and 2027 (0.0425) vCPU records do not count;
        // the 2024 memory record (0.0049) is older than the 2026 one.
        Assert.Equal(0.0405m, sheet[PriceMeter.ContainerVcpu].UnitPrice);
        Assert.Equal(new DateOnly(2026, 8, 1), sheet[PriceMeter.ContainerVcpu].EffectiveDate);
        Assert.Equal(0.00445m, sheet[PriceMeter.ContainerMemory].UnitPrice);
        Assert.Equal(0.01215m, sheet[PriceMeter.ContainerSpotVcpu].UnitPrice);
        Assert.Equal(0.0208m, sheet[PriceMeter.BlobHotStorage].UnitPrice);
        Assert.Equal(0.00036m, sheet[PriceMeter.TableTransactions].UnitPrice);
        Assert.Equal(0.004m, sheet[PriceMeter.QueueOperations].UnitPrice);
        Assert.Equal((0.087m, 100m), (sheet[PriceMeter.InternetEgress].UnitPrice, sheet[PriceMeter.InternetEgress].FreeQuantityPerMonth));
        Assert.Empty(result.Changes);
    }

    [Fact(Timeout = 10_000)]
    public async Task RefreshAsync_MeterTheResponseLacks_IsKeptFromTheCurrentSheet()
    {
        var result = await new RetailPriceRefresher(Fixtures.TwoPageSource()).RefreshAsync(EastUs, [Fixtures.Page1Url], Fixtures.RefreshDate);

        // The fixture has no "Hot Read Operations" record.
        Assert.Equal([PriceMeter.BlobHotReadOperations], result.KeptFromCurrent);
        Assert.Equal(EastUs[PriceMeter.BlobHotReadOperations], result.Sheet[PriceMeter.BlobHotReadOperations]);
        Assert.Equal(Enum.GetValues<PriceMeter>().Length - 1, result.Updated.Count);
    }

    [Fact(Timeout = 10_000)]
    public async Task RefreshAsync_TwoPageFixture_NotesWhatItSkipped()
    {
        var result = await new RetailPriceRefresher(Fixtures.TwoPageSource()).RefreshAsync(EastUs, [Fixtures.Page1Url], Fixtures.RefreshDate);

        Assert.Equal(
        [
            "1 record(s) skipped: BlobHotStorage volume tier above the first.",
            "1 record(s) skipped: ContainerVcpu price takes effect after 2026-11-24.",
            "1 record(s) skipped: region 'swedencentral' is not eastus.",
            "1 record(s) skipped: type 'DevTestConsumption' is not pay-as-you-go Consumption.",
            "1 record(s) skipped: type 'Reservation' is not pay-as-you-go Consumption.",
        ], result.Notes);
    }

    [Fact(Timeout = 10_000)]
    public async Task RefreshAsync_DefaultQueries_OnePerProductFilteredToTheRegion()
    {
        var source = new FakeRetailPriceSource().WithFallback(FakeRetailPriceSource.EmptyPage);

        var result = await new RetailPriceRefresher(source).RefreshAsync(EastUs, Fixtures.RefreshDate);

        Assert.Equal(5, source.Requested.Count);
        var filters = source.Requested.Select(u => Uri.UnescapeDataString(u.Query)).ToList();
        Assert.All(filters, f => Assert.Contains("armRegionName eq 'eastus' and priceType eq 'Consumption'", f, StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("serviceName eq 'Container Instances' and productName eq 'Container Instances'", StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("productName eq 'Rtn Preference: MGN'", StringComparison.Ordinal));
        Assert.All(source.Requested, u => Assert.Equal("prices.azure.com", u.Host));
        Assert.Same(EastUs, result.Sheet);
    }

    [Fact(Timeout = 10_000)]
    public async Task ReadPagesAsync_NextPageLinkToAnotherHost_ThrowsInvalidData()
    {
        var source = new FakeRetailPriceSource().WithPage(Fixtures.Page1Url, PageLinkingTo("https://prices.example.net/api/retail/prices?$skip=100"));

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new RetailPriceRefresher(source), Fixtures.Page1Url));
    }

    [Fact(Timeout = 10_000)]
    public async Task ReadPagesAsync_NextPageLinkRepeats_ThrowsInvalidData()
    {
        var source = new FakeRetailPriceSource().WithPage(Fixtures.Page1Url, PageLinkingTo(Fixtures.Page1Url.AbsoluteUri));

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(new RetailPriceRefresher(source), Fixtures.Page1Url));
    }

    [Fact(Timeout = 10_000)]
    public async Task ReadPagesAsync_MorePagesThanAllowed_ThrowsInvalidData()
    {
        var refresher = new RetailPriceRefresher(Fixtures.TwoPageSource(), maxPagesPerQuery: 1);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll(refresher, Fixtures.Page1Url));

        Assert.Contains("more than 1 pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_RegionThatIsNotAnArmName_Throws()
    {
        Assert.Throws<ArgumentException>(() => RetailPriceQuery.For("eastus' or serviceName eq 'x"));
    }

    private static string PageLinkingTo(string next) =>
        FakeRetailPriceSource.EmptyPage.Replace("\"NextPageLink\":null", $"\"NextPageLink\":\"{next}\"", StringComparison.Ordinal);

    private static async Task ReadAll(RetailPriceRefresher refresher, Uri first)
    {
        await foreach (var page in refresher.ReadPagesAsync(first))
        {
            Assert.NotNull(page);
        }
    }
}
