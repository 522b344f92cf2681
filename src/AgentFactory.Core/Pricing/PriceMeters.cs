namespace AgentFactory.Core.Pricing;

/// <summary>Facts about each <see cref="PriceMeter"/>: its canonical unit and whether an estimate needs it.</summary>
public static class PriceMeters
{
    /// <summary>The meters a sheet must price for the cost estimator to estimate with it; the Spot meters are optional.</summary>
    public static IReadOnlyList<PriceMeter> Required { get; } =
    [
        PriceMeter.ContainerVcpu,
        PriceMeter.ContainerMemory,
        PriceMeter.BlobHotStorage,
        PriceMeter.BlobHotWriteOperations,
        PriceMeter.BlobHotReadOperations,
        PriceMeter.TableStorage,
        PriceMeter.TableTransactions,
        PriceMeter.QueueStorage,
        PriceMeter.QueueOperations,
        PriceMeter.InternetEgress,
    ];

    /// <summary>
    /// The canonical unit, written the way the Azure Retail Prices API writes <c>unitOfMeasure</c>,
    /// so a sheet reads like the API it is refreshed from.
    /// </summary>
    public static string UnitOfMeasure(PriceMeter meter) => CanonicalUnit(meter).Text;

    /// <summary>The canonical unit as a parsed quantity, for converting prices quoted in other units.</summary>
    internal static BillingUnit CanonicalUnit(PriceMeter meter) => meter switch
    {
        PriceMeter.ContainerVcpu or PriceMeter.ContainerSpotVcpu => BillingUnit.Hour,
        PriceMeter.ContainerMemory or PriceMeter.ContainerSpotMemory => BillingUnit.GbHour,
        PriceMeter.BlobHotStorage or PriceMeter.TableStorage or PriceMeter.QueueStorage => BillingUnit.GbMonth,
        PriceMeter.BlobHotWriteOperations or PriceMeter.BlobHotReadOperations
            or PriceMeter.TableTransactions or PriceMeter.QueueOperations => BillingUnit.TenThousand,
        PriceMeter.InternetEgress => BillingUnit.Gb,
        _ => throw new ArgumentOutOfRangeException(nameof(meter), meter, "Unknown meter."),
    };

    /// <summary>
    /// Converts a price quoted per <paramref name="quotedUnit"/> into the meter's canonical unit;
    /// null when the unit cannot measure this meter (a per-GB price offered for vCPU time).
    /// </summary>
    internal static decimal? ToCanonicalPrice(PriceMeter meter, decimal price, BillingUnit quotedUnit)
    {
        var canonical = CanonicalUnit(meter);

        // Memory meters are per GB by definition; some records write only the time ("1 Hour").
        if (canonical.Dimension == UnitDimension.GbDuration && quotedUnit.Dimension == UnitDimension.Duration)
        {
            quotedUnit = quotedUnit with { Dimension = UnitDimension.GbDuration };
        }

        return quotedUnit.ConvertPrice(price, canonical);
    }
}
