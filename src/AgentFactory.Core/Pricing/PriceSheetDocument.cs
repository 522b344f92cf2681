namespace AgentFactory.Core.Pricing;

// The JSON shape of a price sheet file (Pricing/Sheets/*.json); docs/PRICING.md describes it.
internal sealed record PriceSheetDocument(
    string Region,
    string? Location,
    string Currency,
    DateOnly EffectiveDate,
    string Source,
    IReadOnlyList<MeterPriceDocument> Meters);

internal sealed record MeterPriceDocument(
    PriceMeter Meter,
    decimal UnitPrice,
    string UnitOfMeasure,
    DateOnly? EffectiveDate = null,
    string? Source = null,
    string? RetailMeterName = null,
    decimal? FreeQuantityPerMonth = null);
