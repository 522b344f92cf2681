namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// Fetches one page of the Azure Retail Prices API. Core does no HTTP: the app implements this
/// with an HTTP client (the API needs no authentication); tests implement it with fixture files.
/// </summary>
public interface IRetailPriceSource
{
    /// <summary>Opens the response body of <paramref name="page"/>; the caller disposes it.</summary>
    /// <param name="page">The page URL: a query from <see cref="RetailPriceQuery"/> or a previous page's NextPageLink.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    Task<Stream> OpenPageAsync(Uri page, CancellationToken cancellationToken = default);
}
