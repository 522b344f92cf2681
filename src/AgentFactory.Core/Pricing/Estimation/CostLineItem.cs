namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>One line of an estimate: how much of a meter, at what price, for what amount.</summary>
/// <param name="Category">The breakdown group.</param>
/// <param name="Meter">The meter billed.</param>
/// <param name="Description">What the quantity is made of, in words.</param>
/// <param name="Quantity">How much, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The quantity's unit: "vCPU-second", "GB-second", "GB-month", "operation", "GB".</param>
/// <param name="UnitPrice">Price per <paramref name="Unit"/>, derived from the sheet's list price.</param>
/// <param name="Amount">Quantity × unit price, in the sheet's currency, unrounded.</param>
/// <param name="ListPrice">The sheet's price for the meter.</param>
/// <param name="ListUnitOfMeasure">What the list price is per, e.g. "1 Hour", "10K".</param>
public sealed record CostLineItem(
    CostCategory Category,
    PriceMeter Meter,
    string Description,
    decimal Quantity,
    string Unit,
    decimal UnitPrice,
    decimal Amount,
    decimal ListPrice,
    string ListUnitOfMeasure);
