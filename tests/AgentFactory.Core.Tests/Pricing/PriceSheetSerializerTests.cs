using AgentFactory.Core.Pricing;

namespace AgentFactory.Core.Tests.Pricing;

public sealed class PriceSheetSerializerTests
{
    private const string OneMeterTemplate = """
        {
          "region": "eastus", "location": "US East", "currency": "USD", "effectiveDate": "2026-10-01", "source": "test",
          "meters": [ METERS ]
        }
        """;

    [Fact]
    public void Write_ThenRead_RoundTripsEveryField()
    {
        var sheet = PriceSheetCatalog.BuiltIn.Find("swedencentral").Value;

        var read = PriceSheetSerializer.Read(PriceSheetSerializer.Write(sheet));

        Assert.Equal((sheet.Region, sheet.Location, sheet.Currency, sheet.EffectiveDate, sheet.Source),
            (read.Region, read.Location, read.Currency, read.EffectiveDate, read.Source));
        Assert.Equal(sheet.Meters.OrderBy(m => m.Meter), read.Meters.OrderBy(m => m.Meter));
    }

    [Fact]
    public void Read_PricePerSecond_IsStoredPerCanonicalHour()
    {
        var json = WithRequiredMeters("""{ "meter": "ContainerVcpu", "unitPrice": 0.00001125, "unitOfMeasure": "1 Second" }""");

        var sheet = PriceSheetSerializer.Read(json);

        Assert.Equal(0.0405m, sheet[PriceMeter.ContainerVcpu].UnitPrice);
        Assert.Equal("1 Hour", sheet[PriceMeter.ContainerVcpu].UnitOfMeasure);
    }

    [Fact]
    public void Read_MeterWithoutDateOrSource_TakesTheSheets()
    {
        var sheet = PriceSheetSerializer.Read(WithRequiredMeters());

        Assert.Equal(new DateOnly(2026, 10, 1), sheet[PriceMeter.QueueOperations].EffectiveDate);
        Assert.Equal("test", sheet[PriceMeter.QueueOperations].Source);
    }

    [Fact]
    public void Read_UnitOfTheWrongDimension_ThrowsInvalidDataNamingTheMeter()
    {
        var json = WithRequiredMeters("""{ "meter": "ContainerVcpu", "unitPrice": 0.087, "unitOfMeasure": "1 GB" }""");

        var error = Assert.Throws<InvalidDataException>(() => PriceSheetSerializer.Read(json));

        Assert.Contains("ContainerVcpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingRequiredMeter_ThrowsInvalidDataNamingTheMeter()
    {
        var json = OneMeterTemplate.Replace("METERS", """{ "meter": "ContainerVcpu", "unitPrice": 0.0405, "unitOfMeasure": "1 Hour" }""", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => PriceSheetSerializer.Read(json));

        Assert.Contains("ContainerMemory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{ "region": "eastus" }""")]
    public void Read_NotAPriceSheet_ThrowsInvalidData(string json)
    {
        Assert.Throws<InvalidDataException>(() => PriceSheetSerializer.Read(json));
    }

    // Every meter of the East US sheet in its canonical unit, with the given meter replacing its own.
    private static string WithRequiredMeters(string? meterJson = null)
    {
        var eastUs = PriceSheetCatalog.BuiltIn.Find("eastus").Value;
        var meters = AllExcept(eastUs, meterJson) + (meterJson is null ? string.Empty : "," + meterJson);
        return OneMeterTemplate.Replace("METERS", meters, StringComparison.Ordinal);
    }

    private static string AllExcept(PriceSheet sheet, string? meterJson) => string.Join(",", sheet.Meters
        .Where(m => meterJson is null || !meterJson.Contains($"\"{m.Meter}\"", StringComparison.Ordinal))
        .Select(m => FormattableString.Invariant($$"""{ "meter": "{{m.Meter}}", "unitPrice": {{m.UnitPrice}}, "unitOfMeasure": "{{m.UnitOfMeasure}}" }""")));
}
