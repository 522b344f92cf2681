using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;

using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Tests.Pricing;

// Each estimate is pinned to a hand computation (East US prices from ANCHORS.md unless noted):
// vCPU $0.0405/h, memory $0.00445/GB-h, Blob Hot $0.0208/GB-month, blob writes $0.05/10k,
// blob reads $0.004/10k, table $0.00036/10k, queue $0.004/10k, egress $0.087/GB beyond 100 GB.
// Month = 730 h = 2,628,000 s = 30.41667 days. Default transactions per task: 3 queue, 4 table,
// 1 blob write, 1 blob read. On-demand runs are billed task + 30 s start-up.
public sealed class CostEstimatorTests
{
    private readonly CostEstimator _estimator = new();

    [Fact]
    public void Estimate_AlwaysOnHalfVcpuOneGb_MatchesHandFigure()
    {
        // compute 0.5 vCPU × 730 h × $0.0405        = $14.7825
        // memory  1 GB × 730 h × $0.00445            =  $3.2485   (compute + memory $18.031: ANCHORS "≈ $18.03")
        // storage 1 GB × $0.0208                     =  $0.0208
        // queue   2,628,000 s / 30 s = 87,600 idle polls × $0.004/10k = $0.03504
        // total                                      = $18.08684
        var estimate = Estimate(CostInputs.AlwaysOn("eastus", 0.5m, 1m, 1m));

        CostAssert.WithinOnePercent(14.7825m, estimate.Subtotals[CostCategory.Compute]);
        CostAssert.WithinOnePercent(3.2485m, estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(18.03m, estimate.Subtotals[CostCategory.Compute] + estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(0.03504m, estimate.Subtotals[CostCategory.Transactions]);
        CostAssert.WithinOnePercent(18.08684m, estimate.MonthlyTotal);
        Assert.False(estimate.IsUnder(2m));
    }

    [Fact]
    public void Estimate_AlwaysOnOneVcpuTwoGbHundredTasks_MatchesHandFigure()
    {
        // compute 1 vCPU × 730 h × $0.0405           = $29.565
        // memory  2 GB × 730 h × $0.00445            =  $6.497    (compute + memory $36.062: ANCHORS "≈ $36.06")
        // storage 5 GB × $0.0208                     =  $0.104
        // tasks   100/day × 30.41667                 = 3,041.67 a month
        // queue   (3,041.67 × 3 + 87,600 polls) = 96,725 × $0.004/10k = $0.03869
        // table   3,041.67 × 4 = 12,166.7 × $0.00036/10k              = $0.000438
        // blob    3,041.67 × $0.05/10k + 3,041.67 × $0.004/10k        = $0.015208 + $0.001217
        // total                                      = $36.221553
        var estimate = Estimate(CostInputs.AlwaysOn("eastus", 1m, 2m, 5m) with { TasksPerDay = 100m });

        CostAssert.WithinOnePercent(36.06m, estimate.Subtotals[CostCategory.Compute] + estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(0.104m, estimate.Subtotals[CostCategory.Storage]);
        CostAssert.WithinOnePercent(0.055553m, estimate.Subtotals[CostCategory.Transactions]);
        CostAssert.WithinOnePercent(36.221553m, estimate.MonthlyTotal);
    }

    [Fact]
    public void Estimate_OnDemandTwentyOneMinuteTasks_IsUnderTwoDollars()
    {
        // runs    20/day × 30.41667 = 608.33 a month, each 60 s + 30 s = 90 s → 54,750 s = 15.2083 h
        // compute 0.5 vCPU × 15.2083 h × $0.0405     = $0.307969
        // memory  1 GB × 15.2083 h × $0.00445        = $0.067677
        // storage 1 GB × $0.0208                     = $0.0208
        // queue 1,825 × $0.004/10k = $0.00073; table 2,433.3 × $0.00036/10k = $0.0000876;
        // blob 608.33 × $0.05/10k = $0.003042 + 608.33 × $0.004/10k = $0.000243
        // total                                      = $0.400548
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 20m, TimeSpan.FromMinutes(1)));

        CostAssert.WithinOnePercent(0.307969m, estimate.Subtotals[CostCategory.Compute]);
        CostAssert.WithinOnePercent(0.067677m, estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(0.400548m, estimate.MonthlyTotal);
        Assert.True(estimate.IsUnder(2m));
    }

    [Fact]
    public void Estimate_OnDemandTwoHundredFiveMinuteTasksAtTwoVcpu_IsNotUnderTwoDollars()
    {
        // runs    200/day × 30.41667 = 6,083.33, each 300 s + 30 s = 330 s → 2,007,500 s = 557.639 h
        // compute 2 vCPU × 557.639 h × $0.0405       = $45.16875
        // memory  4 GB × 557.639 h × $0.00445        =  $9.925972
        // storage 10 GB × $0.0208                    =  $0.208
        // queue 18,250 × $0.004/10k = $0.0073; table 24,333 × $0.00036/10k = $0.000876;
        // blob 6,083.33 × $0.05/10k = $0.030417 + × $0.004/10k = $0.002433
        // total                                      = $55.343748
        var estimate = Estimate(CostInputs.OnDemand("eastus", 2m, 4m, 10m, 200m, TimeSpan.FromMinutes(5)));

        CostAssert.WithinOnePercent(45.16875m, estimate.Subtotals[CostCategory.Compute]);
        CostAssert.WithinOnePercent(9.925972m, estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(55.343748m, estimate.MonthlyTotal);
        Assert.False(estimate.IsUnder(2m));
    }

    [Fact]
    public void Estimate_SwedenCentralAlwaysOn_UsesTheRegionsSheet()
    {
        // Sweden Central sheet: vCPU $0.046575/h, memory $0.0051175/GB-h (East US × 1.15); storage as East US.
        // compute 0.5 × 730 × $0.046575 = $16.999875; memory 1 × 730 × $0.0051175 = $3.735775
        // storage $0.0208; idle polls 87,600 × $0.004/10k = $0.03504
        // total                                      = $20.79149
        var estimate = Estimate(CostInputs.AlwaysOn("Sweden Central", 0.5m, 1m, 1m));

        Assert.Equal("swedencentral", estimate.Region);
        CostAssert.WithinOnePercent(16.999875m, estimate.Subtotals[CostCategory.Compute]);
        CostAssert.WithinOnePercent(3.735775m, estimate.Subtotals[CostCategory.Memory]);
        CostAssert.WithinOnePercent(20.79149m, estimate.MonthlyTotal);
    }

    [Fact]
    public void Estimate_EgressBeyondTheFreeAllowance_BillsOnlyTheExcess()
    {
        // runs    50/day × 30.41667 = 1,520.83, each 120 s + 30 s = 150 s → 228,125 s = 63.368 h
        // compute 1 × 63.368 × $0.0405 = $2.566406; memory 2 × 63.368 × $0.00445 = $0.563976
        // storage 5 × $0.0208 = $0.104
        // transactions: queue 4,562.5 × $0.004/10k = $0.001825; table 6,083.3 × $0.00036/10k = $0.000219;
        //               blob 1,520.83 × ($0.05 + $0.004)/10k = $0.008213 → $0.010257
        // network (250 GB − 100 GB free) × $0.087   = $13.05
        // total                                      = $16.294638
        var estimate = Estimate(CostInputs.OnDemand("eastus", 1m, 2m, 5m, 50m, TimeSpan.FromMinutes(2)) with { EgressGbPerMonth = 250m });

        var egress = Assert.Single(estimate.MonthlyItems, i => i.Category == CostCategory.Network);
        Assert.Equal(150m, egress.Quantity);
        Assert.Equal(13.05m, egress.Amount);
        CostAssert.WithinOnePercent(0.010257m, estimate.Subtotals[CostCategory.Transactions]);
        CostAssert.WithinOnePercent(16.294638m, estimate.MonthlyTotal);
    }

    [Fact]
    public void Estimate_MonitoringCheckEveryFiveMinutesAtTheSmallestSize_IsJustUnderTwoDollars()
    {
        // 288 checks/day × 30.41667 = 8,760 runs, each 5 s + 30 s = 35 s → 306,600 s = 85.1667 h
        // compute 0.5 × 85.1667 × $0.0405 = $1.724625; memory 0.5 × 85.1667 × $0.00445 = $0.189496
        // storage 1 GB × $0.0208 = $0.0208
        // monitoring profile (3 queue, 2 table, 1 blob write, 0 reads):
        //   queue 26,280 × $0.004/10k = $0.010512; table 17,520 × $0.00036/10k = $0.000631; blob 8,760 × $0.05/10k = $0.0438
        // total                                      = $1.989864
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 0.5m, 1m, 288m, TimeSpan.FromSeconds(5)) with { TemplateKind = "monitoring" });

        CostAssert.WithinOnePercent(0.054943m, estimate.Subtotals[CostCategory.Transactions]);
        CostAssert.WithinOnePercent(1.989864m, estimate.MonthlyTotal);
        Assert.True(estimate.IsUnder(2m));
        Assert.DoesNotContain(estimate.MonthlyItems, i => i.Meter == PriceMeter.BlobHotReadOperations);
    }

    [Fact]
    public void Estimate_SandboxRuns_AreAOneOffCostOutsideTheMonthlyTotal()
    {
        // 5 runs × (10 min + 30 s) = 5 × 630 s = 3,150 s at 1 vCPU / 2 GB
        // compute 3,150 s × $0.0405/3600 = $0.0354375; memory 2 × 3,150 s × $0.00445/3600 = $0.0077875
        // one-off total                              = $0.043225
        var inputs = CostInputs.AlwaysOn("eastus", 1m, 2m, 5m);
        var withSandbox = Estimate(inputs with { Sandbox = new SandboxPlan(5, TimeSpan.FromMinutes(10)) });

        Assert.Equal(2, withSandbox.OneOffItems.Count);
        CostAssert.WithinOnePercent(0.043225m, withSandbox.OneOffTotal);
        Assert.Equal(Estimate(inputs).MonthlyTotal, withSandbox.MonthlyTotal);
    }

    [Theory]
    [InlineData(60, true, 0)]
    [InlineData(100, true, 0)]
    [InlineData(101, true, 1)]
    [InlineData(60, false, 60)]
    public void Estimate_Egress_FreeAllowanceAppliesWhenAsked(int egressGb, bool applyAllowance, int billedGb)
    {
        var estimate = Estimate(CostInputs.AlwaysOn("eastus", 0.5m, 1m, 1m) with
        {
            EgressGbPerMonth = egressGb,
            ApplyFreeEgressAllowance = applyAllowance,
        });

        var egress = Assert.Single(estimate.MonthlyItems, i => i.Meter == PriceMeter.InternetEgress);
        Assert.Equal(billedGb, egress.Quantity);
        Assert.Equal(billedGb * 0.087m, egress.Amount);
    }

    [Fact]
    public void Estimate_EveryLine_IsQuantityTimesUnitPrice()
    {
        var estimate = Estimate(CostInputs.OnDemand("eastus", 1m, 2m, 5m, 37m, TimeSpan.FromSeconds(42)) with
        {
            EgressGbPerMonth = 120m,
            TableDataGb = 0.5m,
            Sandbox = new SandboxPlan(3, TimeSpan.FromMinutes(2)),
        });

        Assert.All(estimate.MonthlyItems.Concat(estimate.OneOffItems), i => Assert.Equal(Math.Round(i.Quantity * i.UnitPrice, 20), Math.Round(i.Amount, 20)));
        Assert.Equal(Math.Round(estimate.MonthlyTotal, 18), Math.Round(estimate.Subtotals.Values.Sum(), 18));
        Assert.Equal(Enum.GetValues<CostCategory>(), estimate.Subtotals.Keys.Order());
    }

    [Fact]
    public void Estimate_LineItems_CarryMeterUnitAndListPrice()
    {
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 20m, TimeSpan.FromMinutes(1)));

        var compute = Assert.Single(estimate.MonthlyItems, i => i.Category == CostCategory.Compute);
        Assert.Equal((PriceMeter.ContainerVcpu, "vCPU-second", 27_375m, 0.00001125m, 0.0405m, "1 Hour"),
            (compute.Meter, compute.Unit, compute.Quantity, compute.UnitPrice, compute.ListPrice, compute.ListUnitOfMeasure));
        var queue = Assert.Single(estimate.MonthlyItems, i => i.Meter == PriceMeter.QueueOperations);
        Assert.Equal(("operation", 0.0000004m, "10K"), (queue.Unit, queue.UnitPrice, queue.ListUnitOfMeasure));
        Assert.Equal(1825m, Math.Round(queue.Quantity, 10));
    }

    [Fact]
    public void Estimate_HalfGbMemory_IsBilledAsRequestedAndTheRoundUpIsStated()
    {
        // Rounding 0.5 GB up to 1 GB would add 0.5 GB × 306,600 s × $0.00445/3600 = $0.1895 (see the monitoring case).
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 0.5m, 1m, 288m, TimeSpan.FromSeconds(5)));

        var memory = Assert.Single(estimate.MonthlyItems, i => i.Category == CostCategory.Memory);
        Assert.Equal(0.5m * 306_600m, memory.Quantity);
        Assert.Contains(estimate.Assumptions, a => a.Contains("0.5 GB of memory is billed as requested", StringComparison.Ordinal) && a.Contains("0.1895 USD more", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_Always_StatesTheSheetAndItsAssumptions()
    {
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 20m, TimeSpan.FromMinutes(1)));

        Assert.Equal(new DateOnly(2026, 10, 1), estimate.PriceSheetDate);
        Assert.Contains("ANCHORS", estimate.PriceSheetSource, StringComparison.Ordinal);
        Assert.Equal("USD", estimate.Currency);
        Assert.Equal(ExecutionMode.OnDemand, estimate.Mode);
        Assert.Contains(estimate.Assumptions, a => a.StartsWith("Prices: sheet 'eastus' dated 2026-10-01", StringComparison.Ordinal));
        Assert.Contains(estimate.Assumptions, a => a.Contains("608.33 runs a month", StringComparison.Ordinal) && a.Contains("90 s a run", StringComparison.Ordinal));
        Assert.Contains(estimate.Assumptions, a => a.Contains("per billing account, not per agent", StringComparison.Ordinal));
        Assert.Contains(estimate.Assumptions, a => a.StartsWith("Not included", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_OnDemandRunsLongerThanAMonth_SaysAlwaysOnCostsLess()
    {
        // 2,000 tasks/day × 30.41667 × (60 s + 30 s) = 5,475,000 s = 1,520.8 h > 730 h.
        var onDemand = Estimate(CostInputs.OnDemand("eastus", 1m, 2m, 1m, 2000m, TimeSpan.FromMinutes(1)));
        var alwaysOn = Estimate(CostInputs.AlwaysOn("eastus", 1m, 2m, 1m) with { TasksPerDay = 2000m });

        Assert.Contains(onDemand.Assumptions, a => a.Contains("always on would cost less", StringComparison.Ordinal));
        Assert.True(alwaysOn.MonthlyTotal < onDemand.MonthlyTotal);
    }

    [Fact]
    public void Estimate_PartialSecondTask_IsBilledInWholeSeconds()
    {
        // 1.2 s + 30 s start-up bills as 32 s; one task a day.
        var estimate = Estimate(CostInputs.OnDemand("eastus", 1m, 1m, 0m, 1m, TimeSpan.FromMilliseconds(1200)));

        var compute = Assert.Single(estimate.MonthlyItems, i => i.Category == CostCategory.Compute);
        Assert.Equal(32m * 730m / 24m, compute.Quantity);
    }

    [Theory]
    [InlineData("data", 4, 4)]
    [InlineData("monitoring", 1, 0)]
    [InlineData("api", 1, 1)]
    [InlineData(null, 1, 1)]
    [InlineData("something-new", 1, 1)]
    public void Estimate_TemplateKind_PicksItsTransactionProfile(string? kind, int blobWritesPerTask, int blobReadsPerTask)
    {
        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 24m, TimeSpan.FromMinutes(1)) with { TemplateKind = kind });

        var tasksPerMonth = 24m * 730m / 24m;
        Assert.Equal(blobWritesPerTask * tasksPerMonth, estimate.MonthlyItems.Single(i => i.Meter == PriceMeter.BlobHotWriteOperations).Quantity);
        Assert.Equal(blobReadsPerTask * tasksPerMonth, estimate.MonthlyItems.Where(i => i.Meter == PriceMeter.BlobHotReadOperations).Sum(i => i.Quantity));
    }

    [Fact]
    public void Estimate_ExplicitTransactionProfile_OverridesTheTemplateKind()
    {
        var profile = new TransactionProfile("measured", 2m, 0m, 0m, 0m);

        var estimate = Estimate(CostInputs.OnDemand("eastus", 0.5m, 1m, 1m, 24m, TimeSpan.FromMinutes(1)) with { TemplateKind = "data", Transactions = profile });

        var transactions = Assert.Single(estimate.MonthlyItems, i => i.Category == CostCategory.Transactions);
        Assert.Equal(PriceMeter.QueueOperations, transactions.Meter);
        Assert.Contains(estimate.Assumptions, a => a.Contains("'measured' profile", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_TableData_IsATableStorageLine()
    {
        var estimate = Estimate(CostInputs.AlwaysOn("eastus", 0.5m, 1m, 1m) with { TableDataGb = 2m });

        var table = Assert.Single(estimate.MonthlyItems, i => i.Meter == PriceMeter.TableStorage);
        Assert.Equal(2m * 0.045m, table.Amount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Estimate_WithARefreshedSheet_UsesItsPricesAndDate()
    {
        var eastUs = PriceSheetCatalog.BuiltIn.Find("eastus").Value;
        var refresh = await new AgentFactory.Core.Pricing.Retail.RetailPriceRefresher(Fixtures.TwoPageSource())
            .RefreshAsync(eastUs, [Fixtures.Page1Url], Fixtures.RefreshDate);
        var inputs = CostInputs.AlwaysOn("eastus", 0.5m, 1m, 1m);

        var refreshed = new CostEstimator(PriceSheetCatalog.BuiltIn.With(refresh.Sheet)).Estimate(inputs).Value;

        // The fixture carries the same prices as the shipped sheet, so only the date and source change.
        Assert.Equal(Estimate(inputs).MonthlyTotal, refreshed.MonthlyTotal);
        Assert.Equal(Fixtures.RefreshDate, refreshed.PriceSheetDate);
        Assert.Contains("Retail Prices API", refreshed.PriceSheetSource, StringComparison.Ordinal);
    }

    private CostEstimate Estimate(CostInputs inputs)
    {
        var result = _estimator.Estimate(inputs);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.Value;
    }
}
