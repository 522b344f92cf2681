using System.Text;

namespace AgentFactory.Core.Tests.Pricing;

// Retail Prices API responses embedded from Pricing/Fixtures: two eastus pages chained by NextPageLink.
internal static class Fixtures
{
    public const string Page1 = "retail-prices-eastus-page1.json";
    public const string Page2 = "retail-prices-eastus-page2.json";

    // The URL a refresh test starts from, and page 1's NextPageLink.
    public static readonly Uri Page1Url = new("https://prices.azure.com/api/retail/prices?$filter=armRegionName%20eq%20%27eastus%27%20and%20priceType%20eq%20%27Consumption%27");
    public static readonly Uri Page2Url = new("https://prices.azure.com:443/api/retail/prices?$filter=armRegionName%20eq%20%27eastus%27%20and%20priceType%20eq%20%27Consumption%27&$skip=100");

    public static readonly DateOnly RefreshDate = new(2026, 11, 24);

    public static Stream Open(string name) =>
        typeof(Fixtures).Assembly.GetManifestResourceStream("Fixtures." + name)
        ?? throw new InvalidOperationException($"No embedded fixture {name}.");

    public static string Read(string name)
    {
        using var reader = new StreamReader(Open(name), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static FakeRetailPriceSource TwoPageSource() => new FakeRetailPriceSource()
        .WithPage(Page1Url, Read(Page1))
        .WithPage(Page2Url, Read(Page2));
}
