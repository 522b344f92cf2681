using System.Text.Json;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class RetailPriceParserTests
{
    [Fact]
    public void Parse_FixturePage1_ReadsTheDocumentedShape()
    {
        var page = RetailPriceParser.Parse(Fixtures.Read(Fixtures.Page1));

        Assert.Equal("USD", page.BillingCurrency);
        Assert.Equal(12, page.Count);
        Assert.Equal(12, page.Items.Count);
        Assert.Equal(Fixtures.Page2Url, page.NextPageLink);
        var vcpu = page.Items[0];
        Assert.Equal("USD", vcpu.CurrencyCode);
        Assert.Equal(0m, vcpu.TierMinimumUnits);
        Assert.Equal(0.0405m, vcpu.RetailPrice);
        Assert.Equal(0.0405m, vcpu.UnitPrice);
        Assert.Equal("eastus", vcpu.ArmRegionName);
        Assert.Equal("US East", vcpu.Location);
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero), vcpu.EffectiveStartDate);
        Assert.Equal("Standard vCPU Duration", vcpu.MeterName);
        Assert.Equal("Container Instances", vcpu.ProductName);
        Assert.Equal("Standard", vcpu.SkuName);
        Assert.Equal("Container Instances", vcpu.ServiceName);
        Assert.Equal("Containers", vcpu.ServiceFamily);
        Assert.Equal("1 Hour", vcpu.UnitOfMeasure);
        Assert.Equal("Consumption", vcpu.Type);
        Assert.True(vcpu.IsPrimaryMeterRegion);
        Assert.Equal(string.Empty, vcpu.ArmSkuName);
        Assert.False(string.IsNullOrEmpty(vcpu.MeterId));
        Assert.False(string.IsNullOrEmpty(vcpu.ProductId));
        Assert.False(string.IsNullOrEmpty(vcpu.SkuId));
        Assert.False(string.IsNullOrEmpty(vcpu.ServiceId));
    }

    [Fact]
    public void Parse_FixturePage2_IsTheLastPage()
    {
        var page = RetailPriceParser.Parse(Fixtures.Read(Fixtures.Page2));

        Assert.Null(page.NextPageLink);
        Assert.Equal(13, page.Items.Count);
        Assert.Contains(page.Items, i => i.MeterName == "Standard Data Transfer Out" && i.TierMinimumUnits == 100m && i.RetailPrice == 0.087m);
    }

    [Fact(Timeout = 10_000)]
    public async Task Parse_StringStreamAndDocument_ReadTheSameItems()
    {
        var json = Fixtures.Read(Fixtures.Page1);
        using var document = JsonDocument.Parse(json);
        await using var stream = Fixtures.Open(Fixtures.Page1);

        var fromString = RetailPriceParser.Parse(json);
        var fromDocument = RetailPriceParser.Parse(document);
        var fromStream = await RetailPriceParser.ParseAsync(stream);

        Assert.Equal(fromString.Items, fromDocument.Items);
        Assert.Equal(fromString.Items, fromStream.Items);
        Assert.Equal(fromString.NextPageLink, fromStream.NextPageLink);
    }

    [Fact]
    public void Parse_PriceInExponentNotation_ReadsTheExactDecimal()
    {
        var page = RetailPriceParser.Parse(Fixtures.Read(Fixtures.Page1));

        // The fixture writes the Windows surcharge as 1.2e-05, as JSON serializers do for small numbers.
        var windows = Assert.Single(page.Items, i => i.MeterName == "Standard Windows Software Duration");
        Assert.Equal(0.000012m, windows.RetailPrice);
    }

    [Theory]
    [InlineData("""{"BillingCurrency":"USD","NextPageLink":null,"Count":0}""")]
    [InlineData("""{"Items":[],"NextPageLink":"/api/retail/prices?$skip=100","Count":0}""")]
    [InlineData("""{"Items":{},"Count":0}""")]
    [InlineData("<html>Too many requests</html>")]
    [InlineData("null")]
    public void Parse_NotARetailPricesResponse_ThrowsInvalidData(string json)
    {
        Assert.Throws<InvalidDataException>(() => RetailPriceParser.Parse(json));
    }

    [Fact]
    public void Parse_NullItem_IsDropped()
    {
        var page = RetailPriceParser.Parse("""{"Items":[null,{"meterName":"x","retailPrice":1}],"NextPageLink":null,"Count":2}""");

        Assert.Equal("x", Assert.Single(page.Items).MeterName);
    }
}
