namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// Which Retail Prices API records price one of our meters: the record's serviceName, productName
/// and skuName must equal these, and its meterName must be one of <see cref="MeterNames"/> (all
/// compared ignoring case).
/// </summary>
/// <param name="Meter">Our meter.</param>
/// <param name="ServiceName">The API's serviceName.</param>
/// <param name="ProductName">The API's productName.</param>
/// <param name="SkuName">The API's skuName.</param>
/// <param name="MeterNames">The API meterNames that price it; when several match, the highest price wins.</param>
public sealed record RetailMeterRule(
    PriceMeter Meter,
    string ServiceName,
    string ProductName,
    string SkuName,
    IReadOnlyList<string> MeterNames)
{
    /// <summary>True when <paramref name="item"/> prices this rule's meter.</summary>
    public bool Matches(RetailPriceItem item) =>
        Same(item.ServiceName, ServiceName)
        && Same(item.ProductName, ProductName)
        && Same(item.SkuName, SkuName)
        && MeterNames.Any(name => Same(item.MeterName, name));

    private static bool Same(string? actual, string expected) =>
        string.Equals(actual?.Trim(), expected, StringComparison.OrdinalIgnoreCase);
}
