namespace AgentFactory.Core.Pricing.Retail;

/// <summary>One page of a Retail Prices API response.</summary>
/// <param name="Items">The price records on this page.</param>
/// <param name="NextPageLink">The next page, or null on the last page.</param>
/// <param name="BillingCurrency">The response's currency, e.g. "USD".</param>
/// <param name="Count">How many records the page says it holds.</param>
public sealed record RetailPricePage(
    IReadOnlyList<RetailPriceItem> Items,
    Uri? NextPageLink,
    string? BillingCurrency,
    int Count);
