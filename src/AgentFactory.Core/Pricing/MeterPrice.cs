namespace AgentFactory.Core.Pricing;

/// <summary>
/// One meter's price in a <see cref="PriceSheet"/>, per the meter's canonical unit
/// (<see cref="PriceMeters.UnitOfMeasure"/>), with where the figure came from.
/// </summary>
/// <param name="Meter">The meter priced.</param>
/// <param name="UnitPrice">Pay-as-you-go price per canonical unit, in the sheet's currency.</param>
/// <param name="EffectiveDate">When this price took effect (or was last confirmed).</param>
/// <param name="Source">Where the figure comes from, and whether it was derived or assumed.</param>
/// <param name="RetailMeterName">The Retail Prices API <c>meterName</c> this price corresponds to, when known.</param>
/// <param name="FreeQuantityPerMonth">Quantity free each month before the price applies (100 GB for egress).</param>
public sealed record MeterPrice(
    PriceMeter Meter,
    decimal UnitPrice,
    DateOnly EffectiveDate,
    string Source,
    string? RetailMeterName = null,
    decimal FreeQuantityPerMonth = 0m)
{
    /// <summary>The canonical unit the price is per, e.g. "1 Hour" or "10K".</summary>
    public string UnitOfMeasure => PriceMeters.UnitOfMeasure(Meter);
}
