using System.Text;
using AgentFactory.Core.Pricing.Retail;

namespace AgentFactory.Core.Tests.Pricing;

// Serves Retail Prices API pages by URL and records what was asked for. An unknown URL fails the
// test, unless a fallback page is set (for runs over the default queries).
internal sealed class FakeRetailPriceSource : IRetailPriceSource
{
    public const string EmptyPage = """{"BillingCurrency":"USD","CustomerEntityId":"Default","CustomerEntityType":"Retail","Items":[],"NextPageLink":null,"Count":0}""";

    private readonly Dictionary<Uri, string> _pages = [];
    private string? _fallback;

    public List<Uri> Requested { get; } = [];

    public FakeRetailPriceSource WithPage(Uri url, string json)
    {
        _pages[url] = json;
        return this;
    }

    public FakeRetailPriceSource WithFallback(string json)
    {
        _fallback = json;
        return this;
    }

    public Task<Stream> OpenPageAsync(Uri page, CancellationToken cancellationToken = default)
    {
        Requested.Add(page);
        var json = _pages.TryGetValue(page, out var found)
            ? found
            : _fallback ?? throw new KeyNotFoundException($"The test serves no page {page}.");
        return Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(json)));
    }
}
