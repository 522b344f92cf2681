using System.Runtime.CompilerServices;

namespace AgentFactory.Core.Pricing.Retail;

/// <summary>
/// Refreshes a price sheet from the Azure Retail Prices API through an <see cref="IRetailPriceSource"/>:
/// runs each query, follows <c>NextPageLink</c> to the last page, and rebuilds the sheet with
/// <see cref="RetailPriceSheetBuilder"/>.
/// </summary>
public sealed class RetailPriceRefresher
{
    private readonly IRetailPriceSource _source;
    private readonly int _maxPagesPerQuery;

    /// <summary>Creates a refresher.</summary>
    /// <param name="source">Fetches pages.</param>
    /// <param name="maxPagesPerQuery">
    /// A query that pages past this is refused rather than followed forever (a region's
    /// Container Instances or Tables records fit in one or two pages of 100).
    /// </param>
    public RetailPriceRefresher(IRetailPriceSource source, int maxPagesPerQuery = 50)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPagesPerQuery, 1);
        _source = source;
        _maxPagesPerQuery = maxPagesPerQuery;
    }

    /// <summary>Refreshes <paramref name="current"/> with the queries of <see cref="RetailPriceQuery.For"/> for its region.</summary>
    public Task<PriceSheetRefreshResult> RefreshAsync(PriceSheet current, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        return RefreshAsync(current, RetailPriceQuery.For(current.Region), asOf, cancellationToken);
    }

    /// <summary>Refreshes <paramref name="current"/> from every page of the given first pages.</summary>
    /// <exception cref="InvalidDataException">A page is not a Retail Prices API response, or the paging is broken.</exception>
    public async Task<PriceSheetRefreshResult> RefreshAsync(
        PriceSheet current, IEnumerable<Uri> firstPages, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(firstPages);
        var items = new List<RetailPriceItem>();
        var pages = 0;
        foreach (var first in firstPages)
        {
            await foreach (var page in ReadPagesAsync(first, cancellationToken).ConfigureAwait(false))
            {
                pages++;
                items.AddRange(page.Items);
            }
        }

        var result = RetailPriceSheetBuilder.Build(current, items, asOf, $"Azure Retail Prices API ({RetailPriceQuery.Endpoint})");
        return result with { PagesRead = pages };
    }

    /// <summary>
    /// Reads <paramref name="firstPage"/> and every page after it. A NextPageLink must stay on the
    /// first page's scheme and host and must not repeat, so a bad response cannot send the refresh
    /// elsewhere or round in circles.
    /// </summary>
    /// <exception cref="InvalidDataException">A page is malformed, a link leaves the host or repeats, or there are too many pages.</exception>
    public async IAsyncEnumerable<RetailPricePage> ReadPagesAsync(Uri firstPage, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firstPage);
        var visited = new HashSet<Uri> { firstPage };
        Uri? next = firstPage;
        for (var count = 1; next is not null; count++)
        {
            if (count > _maxPagesPerQuery)
            {
                throw new InvalidDataException($"The query {firstPage} has more than {_maxPagesPerQuery} pages; refusing to follow it further.");
            }

            RetailPricePage page;
            var stream = await _source.OpenPageAsync(next, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                page = await RetailPriceParser.ParseAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            yield return page;
            next = page.NextPageLink;
            if (next is not null && !(SameOrigin(firstPage, next) && visited.Add(next)))
            {
                throw new InvalidDataException($"NextPageLink {next} leaves {firstPage.Scheme}://{firstPage.Authority} or repeats an earlier page.");
            }
        }
    }

    private static bool SameOrigin(Uri first, Uri next) =>
        string.Equals(first.Scheme, next.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(first.Host, next.Host, StringComparison.OrdinalIgnoreCase);
}
