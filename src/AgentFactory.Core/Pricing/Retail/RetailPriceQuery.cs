namespace AgentFactory.Core.Pricing.Retail;

/// <summary>The Retail Prices API queries that fetch every record <see cref="RetailMeterMap"/> maps, for one region.</summary>
public static class RetailPriceQuery
{
    /// <summary>The public, unauthenticated endpoint.</summary>
    public static Uri Endpoint { get; } = new("https://prices.azure.com/api/retail/prices");

    /// <summary>
    /// One query per (serviceName, productName) in the meter map, each filtered to the region and
    /// to pay-as-you-go prices, so a refresh reads a few pages instead of all of Storage.
    /// </summary>
    /// <exception cref="ArgumentException">The region is not an ARM region name (letters and digits).</exception>
    public static IReadOnlyList<Uri> For(string region)
    {
        var arm = PriceSheetCatalog.NormalizeRegion(region);
        if (arm.Length == 0 || !arm.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{region}' is not an ARM region name such as 'eastus'.", nameof(region));
        }

        return RetailMeterMap.Rules
            .Select(r => (r.ServiceName, r.ProductName))
            .Distinct()
            .Select(p => Filter(
                $"serviceName eq '{p.ServiceName}' and productName eq '{p.ProductName}' and armRegionName eq '{arm}' and priceType eq 'Consumption'"))
            .ToList();
    }

    /// <summary>The endpoint with an OData <c>$filter</c>, escaped.</summary>
    public static Uri Filter(string filter) => new($"{Endpoint}?$filter={Uri.EscapeDataString(filter)}");
}
