using AgentFactory.Core.Pricing;

namespace AgentFactory.Functions.Monitoring;

/// <summary>What a deployment's metered usage costs, priced with the estimator's price sheet.</summary>
/// <param name="RunningSeconds">Seconds the container ran.</param>
/// <param name="ObservedSeconds">Seconds metering has watched (from the first run to now, or to the end of the last run once it is gone).</param>
/// <param name="MeteredUsd">What Container Instances bills for those seconds: vCPU-seconds and GB-seconds at list price.</param>
/// <param name="MonthlyUsd">That, projected to a month of the same usage (null before a second was observed).</param>
public sealed record UsageCost(double RunningSeconds, double ObservedSeconds, decimal MeteredUsd, decimal? MonthlyUsd)
{
    /// <summary>Prices <paramref name="usage"/> up to <paramref name="now"/> on <paramref name="sheet"/>.</summary>
    public static UsageCost Of(AgentUsage usage, PriceSheet sheet, DateTimeOffset now)
    {
        double running = usage.RunningSecondsAt(now);
        double observed = usage.ObservedSecondsAt(now);
        // Per hour, as the sheet prices the meters; ACI bills the same rate per second.
        decimal hours = (decimal)running / 3600m;
        decimal metered = hours * usage.CpuCores * sheet[PriceMeter.ContainerVcpu].UnitPrice
            + hours * usage.MemoryGb * sheet[PriceMeter.ContainerMemory].UnitPrice;
        decimal? monthly = observed >= 1 ? metered * (BillingUnit.HoursPerMonth * 3600m) / (decimal)observed : null;
        return new UsageCost(Math.Round(running, 3), Math.Round(observed, 3), Math.Round(metered, 6), monthly is { } m ? Math.Round(m, 4) : null);
    }
}
