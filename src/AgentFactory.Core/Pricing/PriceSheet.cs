namespace AgentFactory.Core.Pricing;

/// <summary>
/// Dated list prices for one Azure region: what every estimate for that region multiplies by.
/// Ships as data (Pricing/Sheets/*.json) and can be rebuilt from the Azure Retail Prices API
/// (<see cref="Retail.RetailPriceRefresher"/>).
/// </summary>
public sealed class PriceSheet
{
    private readonly Dictionary<PriceMeter, MeterPrice> _meters;

    /// <summary>Creates a sheet; throws when a required meter is missing or a price is negative.</summary>
    /// <param name="region">ARM region name, e.g. "eastus".</param>
    /// <param name="location">Display name, e.g. "US East".</param>
    /// <param name="currency">ISO currency code of every price, e.g. "USD".</param>
    /// <param name="effectiveDate">The date the sheet as a whole describes.</param>
    /// <param name="source">Where the figures come from.</param>
    /// <param name="meters">One price per meter; <see cref="PriceMeters.Required"/> must all be present.</param>
    public PriceSheet(string region, string location, string currency, DateOnly effectiveDate, string source, IEnumerable<MeterPrice> meters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Region = PriceSheetCatalog.NormalizeRegion(region);
        Location = location ?? string.Empty;
        Currency = currency.ToUpperInvariant();
        EffectiveDate = effectiveDate;
        Source = source;
        _meters = [];
        foreach (var price in meters)
        {
            if (price.UnitPrice < 0m || price.FreeQuantityPerMonth < 0m)
            {
                throw new ArgumentException($"Price sheet {Region}: {price.Meter} has a negative price or allowance.", nameof(meters));
            }

            if (!_meters.TryAdd(price.Meter, price))
            {
                throw new ArgumentException($"Price sheet {Region}: {price.Meter} is priced twice.", nameof(meters));
            }
        }

        var missing = PriceMeters.Required.Where(m => !_meters.ContainsKey(m)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"Price sheet {Region} lacks required meters: {string.Join(", ", missing)}.", nameof(meters));
        }
    }

    /// <summary>ARM region name (lower case, no spaces), e.g. "eastus".</summary>
    public string Region { get; }

    /// <summary>Display name of the region, e.g. "US East".</summary>
    public string Location { get; }

    /// <summary>ISO currency code of every price in the sheet.</summary>
    public string Currency { get; }

    /// <summary>The date the sheet describes (a refresh sets it to the day of the refresh).</summary>
    public DateOnly EffectiveDate { get; }

    /// <summary>Where the figures come from, in words a reviewer can check.</summary>
    public string Source { get; }

    /// <summary>Every priced meter.</summary>
    public IReadOnlyCollection<MeterPrice> Meters => _meters.Values;

    /// <summary>The price of a meter; throws <see cref="KeyNotFoundException"/> for an optional meter the sheet lacks.</summary>
    public MeterPrice this[PriceMeter meter] =>
        _meters.TryGetValue(meter, out var price)
            ? price
            : throw new KeyNotFoundException($"Price sheet {Region} has no price for {meter}.");

    /// <summary>The price of a meter, if the sheet has one.</summary>
    public bool TryGetPrice(PriceMeter meter, out MeterPrice price) => _meters.TryGetValue(meter, out price!);
}
