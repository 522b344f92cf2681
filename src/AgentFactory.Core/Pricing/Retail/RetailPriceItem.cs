namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// One record of the Azure Retail Prices API (<c>Items[]</c> of
/// <c>https://prices.azure.com/api/retail/prices</c>), with the API's field names.
/// </summary>
public sealed record RetailPriceItem
{
    /// <summary>Currency of the prices, e.g. "USD".</summary>
    public string? CurrencyCode { get; init; }

    /// <summary>Volume tier start: the price applies from this many units a month (0 for the first tier).</summary>
    public decimal TierMinimumUnits { get; init; }

    /// <summary>Pay-as-you-go price per <see cref="UnitOfMeasure"/>; the figure a sheet uses.</summary>
    public decimal RetailPrice { get; init; }

    /// <summary>Price before any discount; equal to <see cref="RetailPrice"/> for retail customers.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>ARM region name, e.g. "eastus".</summary>
    public string? ArmRegionName { get; init; }

    /// <summary>Region display name, e.g. "US East".</summary>
    public string? Location { get; init; }

    /// <summary>When the price takes effect.</summary>
    public DateTimeOffset? EffectiveStartDate { get; init; }

    /// <summary>Stable meter identifier.</summary>
    public string? MeterId { get; init; }

    /// <summary>Meter name, e.g. "Standard vCPU Duration"; see <see cref="RetailMeterMap"/>.</summary>
    public string? MeterName { get; init; }

    /// <summary>Product identifier.</summary>
    public string? ProductId { get; init; }

    /// <summary>SKU identifier.</summary>
    public string? SkuId { get; init; }

    /// <summary>Product name, e.g. "Container Instances", "Tables", "Queues v2".</summary>
    public string? ProductName { get; init; }

    /// <summary>SKU name, e.g. "Standard", "Standard Spot", "Hot LRS".</summary>
    public string? SkuName { get; init; }

    /// <summary>Service name, e.g. "Container Instances", "Storage", "Bandwidth".</summary>
    public string? ServiceName { get; init; }

    /// <summary>Service identifier.</summary>
    public string? ServiceId { get; init; }

    /// <summary>Service family, e.g. "Containers".</summary>
    public string? ServiceFamily { get; init; }

    /// <summary>What <see cref="RetailPrice"/> is per, e.g. "1 Hour", "1 GB/Month", "10K"; see <see cref="BillingUnit"/>.</summary>
    public string? UnitOfMeasure { get; init; }

    /// <summary>"Consumption" (pay-as-you-go), "Reservation", "DevTestConsumption"...</summary>
    public string? Type { get; init; }

    /// <summary>Whether this is the meter's primary region record (non-primary records duplicate a meter).</summary>
    public bool IsPrimaryMeterRegion { get; init; }

    /// <summary>ARM SKU name; empty for Container Instances and storage meters.</summary>
    public string? ArmSkuName { get; init; }
}
