using System.Globalization;

using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>
/// Estimates an agent's monthly Azure cost from a regional <see cref="PriceSheet"/>:
/// compute (vCPU-seconds), memory (GB-seconds), storage (GB-months), storage transactions and
/// internet egress beyond the free allowance, for always-on and on-demand agents, plus the
/// one-off cost of sandbox runs. docs/PRICING.md gives the formulas.
/// </summary>
public sealed class CostEstimator : ICostEstimator
{
    private readonly PriceSheetCatalog _catalog;

    /// <summary>An estimator over the built-in price sheets.</summary>
    public CostEstimator()
        : this(PriceSheetCatalog.BuiltIn)
    {
    }

    /// <summary>An estimator over the given price sheets (e.g. with a refreshed sheet).</summary>
    public CostEstimator(PriceSheetCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <inheritdoc />
    public PricingResult<CostEstimate> Estimate(CostInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = CostInputsValidator.Validate(inputs);
        var sheet = _catalog.Find(inputs.Region);
        errors.AddRange(sheet.Errors);
        if (errors.Count > 0)
        {
            return PricingResult.Failure<CostEstimate>(errors);
        }

        return PricingResult.Success(Estimate(inputs, sheet.Value));
    }

    private static CostEstimate Estimate(CostInputs inputs, PriceSheet sheet)
    {
        var usage = MonthlyUsage.Of(inputs, sheet[PriceMeter.InternetEgress]);
        var lines = new LineBuilder(sheet);
        MonthlyLines(lines, inputs, usage);
        var monthly = lines.Take();
        SandboxLines(lines, inputs);
        var oneOff = lines.Take();
        return new CostEstimate
        {
            Region = sheet.Region,
            Currency = sheet.Currency,
            Mode = inputs.Mode,
            MonthlyItems = monthly,
            OneOffItems = oneOff,
            PriceSheetDate = sheet.EffectiveDate,
            PriceSheetSource = sheet.Source,
            Assumptions = CostAssumptions.Describe(inputs, usage, sheet),
        };
    }

    private static void MonthlyLines(LineBuilder lines, CostInputs inputs, MonthlyUsage usage)
    {
        var running = inputs.Mode == ExecutionMode.AlwaysOn
            ? "730 h always on"
            : Text($"{usage.TasksPerMonth:0.##} runs × {usage.BilledSecondsPerRun} s");
        lines.Duration(CostCategory.Compute, PriceMeter.ContainerVcpu, inputs.VCpu, usage.RunSeconds, "vCPU-second",
            Text($"{inputs.VCpu} vCPU × {running}"));
        lines.Duration(CostCategory.Memory, PriceMeter.ContainerMemory, inputs.MemoryGb, usage.RunSeconds, "GB-second",
            Text($"{inputs.MemoryGb} GB × {running}"));

        lines.Stored(PriceMeter.BlobHotStorage, inputs.StorageGb, Text($"{inputs.StorageGb} GB agent storage as Blob Hot LRS"));
        lines.Stored(PriceMeter.TableStorage, inputs.TableDataGb, Text($"{inputs.TableDataGb} GB agent state in Table storage"));

        var tasks = usage.TasksPerMonth;
        var profile = usage.Profile;
        var queueDescription = (tasks, usage.IdlePolls) switch
        {
            (0m, var polls) => Text($"{polls:0.##} idle polls"),
            (_, 0m) => Text($"{tasks:0.##} tasks × {profile.QueueOperationsPerTask}"),
            var (_, polls) => Text($"{tasks:0.##} tasks × {profile.QueueOperationsPerTask} + {polls:0.##} idle polls"),
        };
        lines.Operations(PriceMeter.QueueOperations, tasks * profile.QueueOperationsPerTask + usage.IdlePolls, queueDescription);
        lines.Operations(PriceMeter.TableTransactions, tasks * profile.TableTransactionsPerTask, Text($"{tasks:0.##} tasks × {profile.TableTransactionsPerTask}"));
        lines.Operations(PriceMeter.BlobHotWriteOperations, tasks * profile.BlobWritesPerTask, Text($"{tasks:0.##} tasks × {profile.BlobWritesPerTask}"));
        lines.Operations(PriceMeter.BlobHotReadOperations, tasks * profile.BlobReadsPerTask, Text($"{tasks:0.##} tasks × {profile.BlobReadsPerTask}"));

        if (inputs.EgressGbPerMonth > 0m)
        {
            lines.Egress(usage.BillableEgressGb, Text($"{inputs.EgressGbPerMonth} GB egress − {usage.FreeEgressGb} GB free"));
        }
    }

    private static void SandboxLines(LineBuilder lines, CostInputs inputs)
    {
        var runs = inputs.Sandbox.Runs;
        if (runs == 0)
        {
            return;
        }

        var perRun = MonthlyUsage.BilledSeconds(inputs.Sandbox.DurationPerRun + inputs.StartupOverheadPerRun);
        var seconds = runs * perRun;
        lines.Duration(CostCategory.Compute, PriceMeter.ContainerVcpu, inputs.VCpu, seconds, "vCPU-second",
            Text($"sandbox: {inputs.VCpu} vCPU × {runs} runs × {perRun} s"));
        lines.Duration(CostCategory.Memory, PriceMeter.ContainerMemory, inputs.MemoryGb, seconds, "GB-second",
            Text($"sandbox: {inputs.MemoryGb} GB × {runs} runs × {perRun} s"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
