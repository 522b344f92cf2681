namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// The Retail Prices API records that price each <see cref="PriceMeter"/>. Names as the API
/// returned them in 2026 (serviceName / productName / skuName / meterName); verify against a live
/// response when a refresh reports a meter as kept from the old sheet.
/// </summary>
public static class RetailMeterMap
{
    /// <summary>Every rule, one per meter.</summary>
    public static IReadOnlyList<RetailMeterRule> Rules { get; } =
    [
        // Linux containers are the "Standard" SKU with no OS surcharge. "vCPU Duration"/"Memory Duration"
        // are also accepted for this SKU (older records); under the GPU product ("Container Instances
        // with GPU", per "100 Seconds") the same bare names mean something else, hence the product check.
        // "Standard Windows Software Duration" (the Windows surcharge) is deliberately not mapped.
        new(PriceMeter.ContainerVcpu, "Container Instances", "Container Instances", "Standard",
            ["Standard vCPU Duration", "vCPU Duration"]),
        new(PriceMeter.ContainerMemory, "Container Instances", "Container Instances", "Standard",
            ["Standard Memory Duration", "Memory Duration"]),
        new(PriceMeter.ContainerSpotVcpu, "Container Instances", "Container Instances", "Standard Spot",
            ["Standard Spot vCPU Duration", "Spot vCPU Duration"]),
        new(PriceMeter.ContainerSpotMemory, "Container Instances", "Container Instances", "Standard Spot",
            ["Standard Spot Memory Duration", "Spot Memory Duration"]),

        // Block blobs in a general-purpose v2 account, Hot tier, LRS. Reads carry no "LRS" in their name.
        new(PriceMeter.BlobHotStorage, "Storage", "General Block Blob v2", "Hot LRS", ["Hot LRS Data Stored"]),
        new(PriceMeter.BlobHotWriteOperations, "Storage", "General Block Blob v2", "Hot LRS", ["Hot LRS Write Operations"]),
        new(PriceMeter.BlobHotReadOperations, "Storage", "General Block Blob v2", "Hot LRS", ["Hot Read Operations"]),

        // Tables bill every transaction kind at one price; whichever kinds appear, the highest is kept.
        new(PriceMeter.TableStorage, "Storage", "Tables", "Standard LRS", ["LRS Data Stored"]),
        new(PriceMeter.TableTransactions, "Storage", "Tables", "Standard LRS",
            ["Batch Write Operations", "Write Operations", "Read Operations", "Delete Operations", "Scan Operations"]),

        // Queues v2 (GPv2 accounts). Class 1 (put, update, delete) and class 2 (get, peek) operations:
        // the estimator counts one operation kind, so the higher of the two prices is kept.
        new(PriceMeter.QueueStorage, "Storage", "Queues v2", "Standard LRS", ["LRS Data Stored"]),
        new(PriceMeter.QueueOperations, "Storage", "Queues v2", "Standard LRS",
            ["LRS Class 1 Operations", "LRS Class 2 Operations", "Class 1 Operations", "Class 2 Operations"]),

        // Internet egress with the default routing preference (Microsoft global network). The record
        // comes in volume tiers: a free first tier, then the price from tierMinimumUnits (100 GB).
        new(PriceMeter.InternetEgress, "Bandwidth", "Rtn Preference: MGN", "Standard", ["Standard Data Transfer Out"]),
    ];

    /// <summary>The meter a record prices, if it prices one of ours.</summary>
    public static bool TryMap(RetailPriceItem item, out PriceMeter meter)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var rule in Rules)
        {
            if (rule.Matches(item))
            {
                meter = rule.Meter;
                return true;
            }
        }

        meter = default;
        return false;
    }
}
