using System.Globalization;

namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// Builds a new dated <see cref="PriceSheet"/> from Retail Prices API records, on top of the current
/// sheet: meters the records price are replaced, the others are kept as they were.
/// </summary>
public static class RetailPriceSheetBuilder
{
    /// <summary>
    /// Rebuilds <paramref name="current"/> from <paramref name="items"/>. Only pay-as-you-go
    /// ("Consumption") records for the sheet's region and currency, effective on or before
    /// <paramref name="asOf"/>, count. Per meter the latest effective record of each meterName is
    /// taken, and of several meterNames the highest price. Volume tiers above the first are ignored,
    /// except for egress, whose free first tier becomes the free allowance.
    /// </summary>
    /// <param name="current">The sheet to update; supplies region, currency and the meters the records lack.</param>
    /// <param name="items">The records, e.g. every page of the queries in <see cref="RetailPriceQuery.For"/>.</param>
    /// <param name="asOf">The day of the refresh; becomes the new sheet's date.</param>
    /// <param name="origin">Where the records came from, for the sheet's source text.</param>
    public static PriceSheetRefreshResult Build(PriceSheet current, IEnumerable<RetailPriceItem> items, DateOnly asOf, string origin)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(items);
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<Candidate>();
        var read = 0;
        foreach (var item in items)
        {
            read++;
            if (!RetailMeterMap.TryMap(item, out var meter))
            {
                continue;
            }

            if (Admit(current, item, meter, asOf) is { } reason)
            {
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                continue;
            }

            var price = PriceMeters.ToCanonicalPrice(meter, item.RetailPrice, Unit(item))!.Value;
            candidates.Add(new Candidate(meter, item, price));
        }

        var chosen = candidates
            .GroupBy(c => c.Meter)
            .Select(g => g.Key == PriceMeter.InternetEgress ? ChooseEgress(g, asOf) : ChooseFlat(g, asOf))
            .Where(p => p is not null)
            .Select(p => p!)
            .ToDictionary(p => p.Meter);

        var notes = skipped.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Value} record(s) skipped: {kv.Key}.")).ToList();
        var kept = current.Meters.Select(m => m.Meter).Where(m => !chosen.ContainsKey(m)).Order().ToList();
        if (chosen.Count == 0)
        {
            notes.Add("No record priced any meter; the sheet is unchanged.");
            return new PriceSheetRefreshResult(current, [], kept, [], notes, read, 0);
        }

        var changes = chosen.Values
            .Where(p => !current.TryGetPrice(p.Meter, out var old) || old.UnitPrice != p.UnitPrice || old.FreeQuantityPerMonth != p.FreeQuantityPerMonth)
            .Select(p => new MeterPriceChange(p.Meter, current.TryGetPrice(p.Meter, out var old) ? old.UnitPrice : 0m, p.UnitPrice))
            .OrderBy(c => c.Meter)
            .ToList();
        var location = candidates.Select(c => c.Item.Location).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)) ?? current.Location;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"{origin}, read {asOf:yyyy-MM-dd}: {chosen.Count} meter(s) priced from the API; {kept.Count} kept from the sheet dated {current.EffectiveDate:yyyy-MM-dd} ({current.Source})");
        var sheet = new PriceSheet(
            current.Region,
            location,
            current.Currency,
            asOf,
            source,
            chosen.Values.Concat(current.Meters.Where(m => !chosen.ContainsKey(m.Meter))));
        return new PriceSheetRefreshResult(sheet, chosen.Keys.Order().ToList(), kept, changes, notes, read, 0);
    }

    // Null when the record may price the meter; otherwise why not (a note's text).
    private static string? Admit(PriceSheet current, RetailPriceItem item, PriceMeter meter, DateOnly asOf)
    {
        if (!string.Equals(item.Type, "Consumption", StringComparison.OrdinalIgnoreCase))
        {
            return $"type '{item.Type}' is not pay-as-you-go Consumption";
        }

        if (PriceSheetCatalog.NormalizeRegion(item.ArmRegionName ?? string.Empty) != current.Region)
        {
            return $"region '{item.ArmRegionName}' is not {current.Region}";
        }

        if (!string.Equals(item.CurrencyCode, current.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return $"currency '{item.CurrencyCode}' is not {current.Currency}";
        }

        if (item.EffectiveStartDate is { } start && DateOnly.FromDateTime(start.UtcDateTime) > asOf)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{meter} price takes effect after {asOf:yyyy-MM-dd}");
        }

        if (meter != PriceMeter.InternetEgress && item.TierMinimumUnits > 0m)
        {
            return $"{meter} volume tier above the first";
        }

        if (item.RetailPrice < 0m || PriceMeters.ToCanonicalPrice(meter, item.RetailPrice, Unit(item)) is null)
        {
            return $"{meter} priced per '{item.UnitOfMeasure}', which cannot be read as '{PriceMeters.UnitOfMeasure(meter)}'";
        }

        return null;
    }

    private static BillingUnit Unit(RetailPriceItem item) =>
        BillingUnit.TryParse(item.UnitOfMeasure, out var unit) ? unit : default;

    // The latest record of each meterName (primary region first on a tie), then the highest price.
    private static MeterPrice? ChooseFlat(IEnumerable<Candidate> candidates, DateOnly asOf) =>
        candidates
            .GroupBy(c => c.Item.MeterName?.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase)
            .Select(Latest)
            .OrderByDescending(c => c.Price)
            .Select(c => c.ToMeterPrice(0m, asOf))
            .FirstOrDefault();

    // Egress tiers of the latest price list: a zero-priced first tier is the free allowance, and the
    // first paid tier the price. Tiers for 10 TB+ are ignored: an agent is far below them.
    private static MeterPrice ChooseEgress(IEnumerable<Candidate> candidates, DateOnly asOf)
    {
        var all = candidates.ToList();
        var latest = all.Max(c => c.Item.EffectiveStartDate);
        var tiers = all
            .Where(c => c.Item.EffectiveStartDate == latest)
            .GroupBy(c => c.Item.TierMinimumUnits)
            .Select(Latest)
            .OrderBy(c => c.Item.TierMinimumUnits)
            .ToList();
        var paid = tiers.FirstOrDefault(c => c.Price > 0m) ?? tiers[0];
        return paid.ToMeterPrice(paid.Price > 0m ? paid.Item.TierMinimumUnits : 0m, asOf);
    }

    private static Candidate Latest(IEnumerable<Candidate> sameMeterName) =>
        sameMeterName
            .OrderByDescending(c => c.Item.EffectiveStartDate)
            .ThenByDescending(c => c.Item.IsPrimaryMeterRegion)
            .First();

    private sealed record Candidate(PriceMeter Meter, RetailPriceItem Item, decimal Price)
    {
        public MeterPrice ToMeterPrice(decimal freeQuantityPerMonth, DateOnly asOf)
        {
            var effective = Item.EffectiveStartDate is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : asOf;
            var source = string.Create(CultureInfo.InvariantCulture,
                $"Retail Prices API: {Item.ServiceName} / {Item.ProductName} / {Item.SkuName} / '{Item.MeterName}', {Item.RetailPrice} {Item.CurrencyCode} per '{Item.UnitOfMeasure}' (meterId {Item.MeterId}).");
            return new MeterPrice(Meter, Price, effective, source, Item.MeterName, freeQuantityPerMonth);
        }
    }
}
