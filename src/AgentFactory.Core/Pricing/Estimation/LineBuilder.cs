namespace AgentFactory.Core.Pricing.Estimation;

// Turns quantities into CostLineItems priced from one sheet. Prices per hour or per 10K become
// prices per second or per operation, so each line reads quantity × unit price = amount.
internal sealed class LineBuilder(PriceSheet sheet)
{
    private const decimal OperationsPerListUnit = 10_000m;

    private readonly List<CostLineItem> _lines = [];

    public List<CostLineItem> Take()
    {
        var taken = _lines.ToList();
        _lines.Clear();
        return taken;
    }

    // Compute and memory always appear, even at zero, so the breakdown always shows them.
    public void Duration(CostCategory category, PriceMeter meter, decimal size, decimal seconds, string unit, string description)
    {
        var price = sheet[meter];
        var perSecond = price.UnitPrice / BillingUnit.SecondsPerHour;
        var quantity = size * seconds;
        Add(category, price, description, quantity, unit, perSecond, quantity * price.UnitPrice / BillingUnit.SecondsPerHour);
    }

    public void Stored(PriceMeter meter, decimal gb, string description)
    {
        if (gb > 0m)
        {
            var price = sheet[meter];
            Add(CostCategory.Storage, price, description, gb, "GB-month", price.UnitPrice, gb * price.UnitPrice);
        }
    }

    public void Operations(PriceMeter meter, decimal operations, string description)
    {
        if (operations > 0m)
        {
            var price = sheet[meter];
            Add(CostCategory.Transactions, price, description, operations, "operation",
                price.UnitPrice / OperationsPerListUnit, operations * price.UnitPrice / OperationsPerListUnit);
        }
    }

    public void Egress(decimal billableGb, string description)
    {
        var price = sheet[PriceMeter.InternetEgress];
        Add(CostCategory.Network, price, description, billableGb, "GB", price.UnitPrice, billableGb * price.UnitPrice);
    }

    private void Add(CostCategory category, MeterPrice price, string description, decimal quantity, string unit, decimal unitPrice, decimal amount) =>
        _lines.Add(new CostLineItem(category, price.Meter, description, quantity, unit, unitPrice, amount, price.UnitPrice, price.UnitOfMeasure));
}
