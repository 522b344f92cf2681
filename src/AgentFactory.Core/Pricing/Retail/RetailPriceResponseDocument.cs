namespace AgentFactory.Core.Pricing.Retail;

// The response envelope as the API writes it: {"BillingCurrency", "CustomerEntityId",
// "CustomerEntityType", "Items": [...], "NextPageLink": null | "https://...&$skip=100", "Count"}.
internal sealed record RetailPriceResponseDocument(
    string? BillingCurrency,
    string? CustomerEntityId,
    string? CustomerEntityType,
    IReadOnlyList<RetailPriceItem>? Items,
    string? NextPageLink,
    int Count);
