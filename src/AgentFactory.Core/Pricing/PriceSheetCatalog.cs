namespace AgentFactory.Core.Pricing;

/// <summary>
/// The price sheets the estimator can use, one per region. <see cref="BuiltIn"/> holds the sheets
/// shipped as embedded data; a refreshed sheet replaces its region's with <see cref="With"/>.
/// </summary>
public sealed class PriceSheetCatalog
{
    private const string ResourcePrefix = "AgentFactory.Core.Pricing.Sheets.";

    private static readonly Lazy<PriceSheetCatalog> BuiltInSheets = new(LoadEmbedded);

    private readonly Dictionary<string, PriceSheet> _sheets;

    /// <summary>A catalog of the given sheets; a later sheet for the same region replaces an earlier one.</summary>
    public PriceSheetCatalog(IEnumerable<PriceSheet> sheets)
    {
        _sheets = new(StringComparer.Ordinal);
        foreach (var sheet in sheets)
        {
            _sheets[sheet.Region] = sheet;
        }
    }

    /// <summary>The sheets shipped with the assembly (Pricing/Sheets/*.json).</summary>
    public static PriceSheetCatalog BuiltIn => BuiltInSheets.Value;

    /// <summary>The regions with a sheet, as ARM region names, sorted.</summary>
    public IReadOnlyList<string> Regions => _sheets.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The sheet for a region, by ARM name ("swedencentral") or display name ("Sweden Central").
    /// An unknown region is an error result naming the known ones, never an exception.
    /// </summary>
    public PricingResult<PriceSheet> Find(string? region)
    {
        if (!string.IsNullOrWhiteSpace(region) && _sheets.TryGetValue(NormalizeRegion(region), out var sheet))
        {
            return PricingResult.Success(sheet);
        }

        return PricingResult.Failure<PriceSheet>(new PricingError(
            PricingErrorCodes.UnknownRegion,
            $"No price sheet for region '{region}'. Known regions: {string.Join(", ", Regions)}. "
                + "Choose one of them, or add a sheet for the region (docs/PRICING.md).",
            "region"));
    }

    /// <summary>A catalog with <paramref name="sheet"/> added, or replacing the sheet for its region.</summary>
    public PriceSheetCatalog With(PriceSheet sheet) => new(_sheets.Values.Append(sheet));

    /// <summary>"Sweden Central", " swedencentral " and "SwedenCentral" all become "swedencentral".</summary>
    public static string NormalizeRegion(string region) =>
        string.Concat(region.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    private static PriceSheetCatalog LoadEmbedded()
    {
        var assembly = typeof(PriceSheetCatalog).Assembly;
        var sheets = new List<PriceSheet>();
        foreach (var name in assembly.GetManifestResourceNames().Where(IsSheet).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded price sheet {name} cannot be opened.");
            sheets.Add(PriceSheetSerializer.Read(stream));
        }

        return new PriceSheetCatalog(sheets);

        static bool IsSheet(string name) =>
            name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal);
    }
}
