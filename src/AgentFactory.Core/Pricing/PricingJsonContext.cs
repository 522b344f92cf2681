using System.Text.Json.Serialization;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Pricing;

// Case-insensitive because the Retail Prices API mixes "Items"/"NextPageLink" with camelCase item fields.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PriceSheetDocument))]
[JsonSerializable(typeof(RetailPriceResponseDocument))]
internal sealed partial class PricingJsonContext : JsonSerializerContext;
