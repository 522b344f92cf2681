using System.Text.Json;

namespace AgentFactory.Core.Pricing;

/// <summary>Reads and writes price sheets in the JSON format of Pricing/Sheets/*.json.</summary>
public static class PriceSheetSerializer
{
    /// <summary>
    /// Reads a sheet. Each meter's <c>unitOfMeasure</c> may be any unit of the right dimension
    /// ("1 Second" for vCPU) and is converted to the canonical one; a meter without its own
    /// <c>effectiveDate</c>/<c>source</c> takes the sheet's.
    /// </summary>
    /// <exception cref="InvalidDataException">The JSON is not a valid price sheet.</exception>
    public static PriceSheet Read(Stream json)
    {
        PriceSheetDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, PricingJsonContext.Default.PriceSheetDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a price sheet: {e.Message}", e);
        }

        return FromDocument(document ?? throw new InvalidDataException("Not a price sheet: the JSON is null."));
    }

    /// <summary>Reads a sheet from a JSON string; see <see cref="Read(Stream)"/>.</summary>
    public static PriceSheet Read(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Read(stream);
    }

    /// <summary>Writes a sheet in canonical units, so a refreshed sheet can replace a data file.</summary>
    public static void Write(PriceSheet sheet, Stream destination) =>
        JsonSerializer.Serialize(destination, ToDocument(sheet), PricingJsonContext.Default.PriceSheetDocument);

    /// <summary>Writes a sheet to a JSON string; see <see cref="Write(PriceSheet, Stream)"/>.</summary>
    public static string Write(PriceSheet sheet) =>
        JsonSerializer.Serialize(ToDocument(sheet), PricingJsonContext.Default.PriceSheetDocument);

    private static PriceSheet FromDocument(PriceSheetDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Region) || string.IsNullOrWhiteSpace(document.Currency)
            || string.IsNullOrWhiteSpace(document.Source) || document.Meters is null)
        {
            throw new InvalidDataException("Not a price sheet: region, currency, source and meters are required.");
        }

        var meters = document.Meters.Select(m => ToMeterPrice(document, m));
        try
        {
            return new PriceSheet(document.Region, document.Location ?? string.Empty, document.Currency, document.EffectiveDate, document.Source, meters);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    private static MeterPrice ToMeterPrice(PriceSheetDocument sheet, MeterPriceDocument meter)
    {
        if (!BillingUnit.TryParse(meter.UnitOfMeasure, out var unit)
            || PriceMeters.ToCanonicalPrice(meter.Meter, meter.UnitPrice, unit) is not { } price)
        {
            throw new InvalidDataException(
                $"Price sheet {sheet.Region}: {meter.Meter} is priced per '{meter.UnitOfMeasure}', which cannot be read as '{PriceMeters.UnitOfMeasure(meter.Meter)}'.");
        }

        return new MeterPrice(
            meter.Meter,
            price,
            meter.EffectiveDate ?? sheet.EffectiveDate,
            meter.Source ?? sheet.Source,
            meter.RetailMeterName,
            meter.FreeQuantityPerMonth ?? 0m);
    }

    private static PriceSheetDocument ToDocument(PriceSheet sheet) => new(
        sheet.Region,
        sheet.Location,
        sheet.Currency,
        sheet.EffectiveDate,
        sheet.Source,
        sheet.Meters
            .OrderBy(m => m.Meter)
            .Select(m => new MeterPriceDocument(
                m.Meter,
                m.UnitPrice,
                m.UnitOfMeasure,
                m.EffectiveDate,
                m.Source,
                m.RetailMeterName,
                m.FreeQuantityPerMonth == 0m ? null : m.FreeQuantityPerMonth))
            .ToList());
}
