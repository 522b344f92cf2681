using AgentFactory.Core.Pricing;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class BillingUnitTests
{
    [Theory]
    [InlineData("1 Hour", UnitDimension.Duration, 3600)]
    [InlineData("1 Second", UnitDimension.Duration, 1)]
    [InlineData("100 Seconds", UnitDimension.Duration, 100)]
    [InlineData("1 GB Hour", UnitDimension.GbDuration, 3600)]
    [InlineData("1 GB/Hour", UnitDimension.GbDuration, 3600)]
    [InlineData("1 GiB Hour", UnitDimension.GbDuration, 3600)]
    [InlineData("100 GB Seconds", UnitDimension.GbDuration, 100)]
    [InlineData("1 GB/Month", UnitDimension.GbMonth, 1)]
    [InlineData("1 TB/Month", UnitDimension.GbMonth, 1024)]
    [InlineData("1 GB", UnitDimension.Gb, 1)]
    [InlineData("10K", UnitDimension.Count, 10_000)]
    [InlineData("1M", UnitDimension.Count, 1_000_000)]
    [InlineData("100", UnitDimension.Count, 100)]
    [InlineData("1/Hour", UnitDimension.PerPeriod, 3600)]
    [InlineData("1/Month", UnitDimension.PerPeriod, 2_628_000)]
    public void TryParse_RetailUnitOfMeasure_ParsesDimensionAndSize(string text, UnitDimension dimension, double amount)
    {
        Assert.True(BillingUnit.TryParse(text, out var unit));

        Assert.Equal(dimension, unit.Dimension);
        Assert.Equal((decimal)amount, unit.Amount);
        Assert.Equal(text, unit.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("per hour")]
    [InlineData("1 Widget")]
    [InlineData("0 Hour")]
    [InlineData("1 MB")]
    [InlineData("1 GB/Parsec")]
    [InlineData("99999999999999999999999999999999 Hour")]
    public void TryParse_UnrecognisedText_ReturnsFalse(string? text)
    {
        Assert.False(BillingUnit.TryParse(text, out _));
    }

    [Fact]
    public void ConvertPrice_PerSecondToPerHour_MultipliesBy3600()
    {
        BillingUnit.TryParse("1 Second", out var perSecond);

        // ANCHORS: $0.00001125 per vCPU-second is $0.0405 per vCPU-hour.
        Assert.Equal(0.0405m, perSecond.ConvertPrice(0.00001125m, BillingUnit.Hour));
    }

    [Fact]
    public void ConvertPrice_PerMillionToPerTenThousand_DividesBy100()
    {
        BillingUnit.TryParse("1M", out var perMillion);

        Assert.Equal(0.004m, perMillion.ConvertPrice(0.4m, BillingUnit.TenThousand));
    }

    [Fact]
    public void ConvertPrice_DifferentDimensions_ReturnsNull()
    {
        Assert.Null(BillingUnit.Gb.ConvertPrice(0.087m, BillingUnit.Hour));
    }
}
