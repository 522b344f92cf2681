namespace AgentFactory.Core.Pricing.Retail;

/// <summary>A sheet rebuilt from Retail Prices API records, and what changed, for review before it is used.</summary>
/// <param name="Sheet">The new sheet (the old one, unchanged, when no record priced any meter).</param>
/// <param name="Updated">Meters priced from the records.</param>
/// <param name="KeptFromCurrent">Meters the records lacked, kept with their old price, date and source.</param>
/// <param name="Changes">Updated meters whose price differs from the old sheet.</param>
/// <param name="Notes">Why mapped records were skipped (other type, region, currency, tier or unit), with counts.</param>
/// <param name="ItemsRead">Records read in total.</param>
/// <param name="PagesRead">Response pages read (0 when the records were passed in directly).</param>
public sealed record PriceSheetRefreshResult(
    PriceSheet Sheet,
    IReadOnlyList<PriceMeter> Updated,
    IReadOnlyList<PriceMeter> KeptFromCurrent,
    IReadOnlyList<MeterPriceChange> Changes,
    IReadOnlyList<string> Notes,
    int ItemsRead,
    int PagesRead);

/// <summary>A meter whose price a refresh changed.</summary>
/// <param name="Meter">The meter.</param>
/// <param name="OldPrice">Price per canonical unit in the old sheet.</param>
/// <param name="NewPrice">Price per canonical unit from the records.</param>
public sealed record MeterPriceChange(PriceMeter Meter, decimal OldPrice, decimal NewPrice);
