namespace AgentFactory.Core.Pricing;

/// <summary>
/// The billing meters an agent's monthly cost is built from. Each has one canonical unit
/// (see <see cref="PriceMeters.UnitOfMeasure"/>) in which a <see cref="PriceSheet"/> stores its price.
/// </summary>
public enum PriceMeter
{
    /// <summary>Container Instances, Linux, Standard: per vCPU-hour.</summary>
    ContainerVcpu,

    /// <summary>Container Instances, Linux, Standard: per GB-hour of memory.</summary>
    ContainerMemory,

    /// <summary>Container Instances, Linux, Spot (evictable): per vCPU-hour. Carried in the sheet; the estimator does not use it.</summary>
    ContainerSpotVcpu,

    /// <summary>Container Instances, Linux, Spot (evictable): per GB-hour. Carried in the sheet; the estimator does not use it.</summary>
    ContainerSpotMemory,

    /// <summary>Blob storage, Hot tier, LRS: per GB-month stored.</summary>
    BlobHotStorage,

    /// <summary>Blob storage, Hot tier, LRS: per 10,000 write operations.</summary>
    BlobHotWriteOperations,

    /// <summary>Blob storage, Hot tier: per 10,000 read operations.</summary>
    BlobHotReadOperations,

    /// <summary>Table storage (GPv2, LRS): per GB-month stored.</summary>
    TableStorage,

    /// <summary>Table storage (GPv2, LRS): per 10,000 transactions.</summary>
    TableTransactions,

    /// <summary>Queue storage (GPv2, LRS): per GB-month stored.</summary>
    QueueStorage,

    /// <summary>Queue storage (GPv2, LRS): per 10,000 operations.</summary>
    QueueOperations,

    /// <summary>Internet egress (routing over the Microsoft network): per GB beyond the monthly free allowance.</summary>
    InternetEgress,
}
