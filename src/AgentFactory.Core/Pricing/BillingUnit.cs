using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentFactory.Core.Pricing;

/// <summary>
/// A parsed <c>unitOfMeasure</c> from the Azure Retail Prices API ("1 Hour", "1 GB Hour", "1 GB/Hour",
/// "100 Seconds", "10K", "1M", "1 GB/Month", "1 GB", "1/Month"), so a price quoted per one unit can be
/// converted to a price per another unit of the same dimension.
/// </summary>
/// <param name="Dimension">What the unit measures.</param>
/// <param name="Amount">The size of one unit in the dimension's base unit (seconds, GB-seconds, GB-months, GB, items).</param>
/// <param name="Text">The text it was parsed from (or the canonical text).</param>
public readonly partial record struct BillingUnit(UnitDimension Dimension, decimal Amount, string Text)
{
    /// <summary>A month, as Azure prices it: 730 hours.</summary>
    public const decimal HoursPerMonth = 730m;

    internal const decimal SecondsPerHour = 3600m;

    /// <summary>"1 Hour": one hour of run time.</summary>
    public static BillingUnit Hour { get; } = new(UnitDimension.Duration, SecondsPerHour, "1 Hour");

    /// <summary>"1 GB Hour": one GB of memory for one hour.</summary>
    public static BillingUnit GbHour { get; } = new(UnitDimension.GbDuration, SecondsPerHour, "1 GB Hour");

    /// <summary>"1 GB/Month": one GB stored for a month.</summary>
    public static BillingUnit GbMonth { get; } = new(UnitDimension.GbMonth, 1m, "1 GB/Month");

    /// <summary>"10K": ten thousand operations.</summary>
    public static BillingUnit TenThousand { get; } = new(UnitDimension.Count, 10_000m, "10K");

    /// <summary>"1 GB": one GB transferred.</summary>
    public static BillingUnit Gb { get; } = new(UnitDimension.Gb, 1m, "1 GB");

    /// <summary>
    /// Converts a price quoted per this unit into the price per <paramref name="target"/>.
    /// Returns null when the dimensions differ (a per-GB price cannot become a per-hour price).
    /// </summary>
    public decimal? ConvertPrice(decimal pricePerThisUnit, BillingUnit target) =>
        Dimension == target.Dimension && Amount > 0m
            ? pricePerThisUnit * target.Amount / Amount
            : null;

    /// <summary>Parses a Retail Prices API <c>unitOfMeasure</c>; false for text it does not recognise.</summary>
    public static bool TryParse(string? text, out BillingUnit unit)
    {
        unit = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // At most 12 digits either side of the point, so the number always fits a decimal.
        var match = UnitPattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var number = decimal.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        number *= match.Groups["multiplier"].Value.ToUpperInvariant() switch
        {
            "K" => 1_000m,
            "M" => 1_000_000m,
            _ => 1m,
        };
        if (number <= 0m)
        {
            return false;
        }

        // "GB/Hour", "GiB Hours", "GB Month" all read as words: GiB is billed as GB by Azure's compute meters.
        var words = match.Groups["unit"].Value
            .Replace('/', ' ')
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Singular)
            .ToArray();

        var parsed = match.Groups["per"].Success
            ? PerPeriod(words, number)
            : Measure(words, number);
        if (parsed is not { } value)
        {
            return false;
        }

        unit = value with { Text = text.Trim() };
        return true;
    }

    private static BillingUnit? Measure(string[] words, decimal number) => words switch
    {
        [] => new(UnitDimension.Count, number, ""),
        ["SECOND"] => new(UnitDimension.Duration, number, ""),
        ["MINUTE"] => new(UnitDimension.Duration, number * 60m, ""),
        ["HOUR"] => new(UnitDimension.Duration, number * SecondsPerHour, ""),
        ["DAY"] => new(UnitDimension.Duration, number * 24m * SecondsPerHour, ""),
        ["GB", "SECOND"] => new(UnitDimension.GbDuration, number, ""),
        ["GB", "HOUR"] => new(UnitDimension.GbDuration, number * SecondsPerHour, ""),
        ["GB", "MONTH"] => new(UnitDimension.GbMonth, number, ""),
        ["TB", "MONTH"] => new(UnitDimension.GbMonth, number * 1024m, ""),
        ["GB"] => new(UnitDimension.Gb, number, ""),
        ["TB"] => new(UnitDimension.Gb, number * 1024m, ""),
        _ => null,
    };

    // "1/Month", "1/Hour", "1/Day": a count per period; the amount is the period length in seconds.
    private static BillingUnit? PerPeriod(string[] words, decimal number) => words switch
    {
        ["HOUR"] => new(UnitDimension.PerPeriod, SecondsPerHour / number, ""),
        ["DAY"] => new(UnitDimension.PerPeriod, 24m * SecondsPerHour / number, ""),
        ["MONTH"] => new(UnitDimension.PerPeriod, HoursPerMonth * SecondsPerHour / number, ""),
        _ => null,
    };

    // Upper-case tokens without a plural "s": "Hours" -> "HOUR", "GiB" -> "GB".
    private static string Singular(string word)
    {
        var upper = word.ToUpperInvariant() switch
        {
            "GIB" => "GB",
            "TIB" => "TB",
            var other => other,
        };
        return upper.Length > 2 && upper.EndsWith('S') ? upper[..^1] : upper;
    }

    [GeneratedRegex(@"^(?<number>\d{1,12}(\.\d{1,12})?)\s*(?<multiplier>[KkMm](?![A-Za-z]))?\s*(?<per>/)?\s*(?<unit>[A-Za-z /]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPattern();
}
