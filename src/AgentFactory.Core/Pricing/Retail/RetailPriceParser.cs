using System.Text.Json;

namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// Parses Azure Retail Prices API responses (<c>Items</c>, <c>NextPageLink</c>, <c>Count</c>).
/// Works on text already fetched; fetching is the app's job (<see cref="IRetailPriceSource"/>).
/// </summary>
public static class RetailPriceParser
{
    /// <summary>Parses one response page from a stream.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a Retail Prices API response.</exception>
    public static async Task<RetailPricePage> ParseAsync(Stream json, CancellationToken cancellationToken = default)
    {
        try
        {
            var document = await JsonSerializer.DeserializeAsync(json, PricingJsonContext.Default.RetailPriceResponseDocument, cancellationToken)
                .ConfigureAwait(false);
            return ToPage(document);
        }
        catch (JsonException e)
        {
            throw NotAResponse(e);
        }
    }

    /// <summary>Parses one response page from a string.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a Retail Prices API response.</exception>
    public static RetailPricePage Parse(string json)
    {
        try
        {
            return ToPage(JsonSerializer.Deserialize(json, PricingJsonContext.Default.RetailPriceResponseDocument));
        }
        catch (JsonException e)
        {
            throw NotAResponse(e);
        }
    }

    /// <summary>Parses one response page from a parsed document.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a Retail Prices API response.</exception>
    public static RetailPricePage Parse(JsonDocument json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return ToPage(json.Deserialize(PricingJsonContext.Default.RetailPriceResponseDocument));
        }
        catch (JsonException e)
        {
            throw NotAResponse(e);
        }
    }

    private static RetailPricePage ToPage(RetailPriceResponseDocument? document)
    {
        if (document?.Items is null)
        {
            throw new InvalidDataException("Not a Retail Prices API response: there is no 'Items' array.");
        }

        Uri? next = null;
        // On Unix "/api/..." parses as an absolute file:// URI, hence the scheme check.
        if (!string.IsNullOrEmpty(document.NextPageLink)
            && !(Uri.TryCreate(document.NextPageLink, UriKind.Absolute, out next) && (next.Scheme == Uri.UriSchemeHttps || next.Scheme == Uri.UriSchemeHttp)))
        {
            throw new InvalidDataException($"Not a Retail Prices API response: NextPageLink '{document.NextPageLink}' is not an absolute http(s) URL.");
        }

        // A null element is dropped rather than failing the whole page.
        return new RetailPricePage(document.Items.OfType<RetailPriceItem>().ToList(), next, document.BillingCurrency, document.Count);
    }

    private static InvalidDataException NotAResponse(JsonException e) =>
        new($"Not a Retail Prices API response: {e.Message}", e);
}
