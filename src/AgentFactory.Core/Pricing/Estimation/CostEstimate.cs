using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>
/// A monthly cost estimate with its breakdown, the one-off sandbox cost, the price sheet it used
/// and every assumption it made. Amounts are unrounded; round only for display.
/// </summary>
public sealed record CostEstimate
{
    /// <summary>ARM region of the price sheet used.</summary>
    public required string Region { get; init; }

    /// <summary>Currency of every amount.</summary>
    public required string Currency { get; init; }

    /// <summary>The execution mode estimated.</summary>
    public required ExecutionMode Mode { get; init; }

    /// <summary>Monthly line items, in category order.</summary>
    public required IReadOnlyList<CostLineItem> MonthlyItems { get; init; }

    /// <summary>One-off line items (sandbox runs), not part of <see cref="MonthlyTotal"/>.</summary>
    public required IReadOnlyList<CostLineItem> OneOffItems { get; init; }

    /// <summary>The date of the price sheet used.</summary>
    public required DateOnly PriceSheetDate { get; init; }

    /// <summary>The source of the price sheet used.</summary>
    public required string PriceSheetSource { get; init; }

    /// <summary>Every assumption behind the figures, as sentences for the review step.</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }

    /// <summary>Sum of the monthly line items.</summary>
    public decimal MonthlyTotal => MonthlyItems.Sum(i => i.Amount);

    /// <summary>Sum of the one-off line items.</summary>
    public decimal OneOffTotal => OneOffItems.Sum(i => i.Amount);

    /// <summary>Monthly subtotal per category (every category present, zero when it has no line).</summary>
    public IReadOnlyDictionary<CostCategory, decimal> Subtotals =>
        Enum.GetValues<CostCategory>().ToDictionary(c => c, c => MonthlyItems.Where(i => i.Category == c).Sum(i => i.Amount));

    /// <summary>The monthly total rounded to cents, for display.</summary>
    public decimal RoundedMonthlyTotal => Math.Round(MonthlyTotal, 2, MidpointRounding.AwayFromZero);

    /// <summary>True when the monthly total is strictly below <paramref name="monthlyBudget"/> (e.g. the $2 target).</summary>
    public bool IsUnder(decimal monthlyBudget) => MonthlyTotal < monthlyBudget;
}
