using System.Globalization;

using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

// The assumptions behind an estimate, as sentences for the review step: a reviewer should be able
// to redo every figure from these and the line items.
internal static class CostAssumptions
{
    // ANCHORS: the ACI docs ask for at least 1 GB per container group (smaller groups are unverified).
    private const decimal DocumentedMinimumMemoryGb = 1m;

    public static IReadOnlyList<string> Describe(CostInputs inputs, MonthlyUsage usage, PriceSheet sheet)
    {
        var profile = usage.Profile;
        var list = new List<string>
        {
            Text($"Prices: sheet '{sheet.Region}' dated {sheet.EffectiveDate:yyyy-MM-dd}, {sheet.Currency}, pay-as-you-go list prices. Source: {sheet.Source}"),
            Text($"A month is {BillingUnit.HoursPerMonth} hours ({MonthlyUsage.DaysPerMonth:0.####} days), as Azure bills it."),
        };

        if (inputs.Mode == ExecutionMode.AlwaysOn)
        {
            list.Add(Text($"Always on: one container group of {inputs.VCpu} vCPU / {inputs.MemoryGb} GB runs all {BillingUnit.HoursPerMonth} h of the month, busy or idle."));
            list.Add(Text($"An idle agent polls its queue every {inputs.IdlePollInterval.TotalSeconds:0.##} s: {usage.IdlePolls:0} queue operations a month (an upper bound)."));
        }
        else
        {
            list.Add(Text($"On demand: one container run per task; {inputs.TasksPerDay} tasks a day is {usage.TasksPerMonth:0.##} runs a month, each billed for the task ({inputs.AverageTaskDuration.TotalSeconds:0.##} s) plus {inputs.StartupOverheadPerRun.TotalSeconds:0.##} s start-up (ACI bills from image pull), rounded up to whole seconds: {usage.BilledSecondsPerRun} s a run."));
            if (usage.RunSeconds > MonthlyUsage.SecondsPerMonth)
            {
                list.Add(Text($"These runs add up to {usage.RunSeconds / BillingUnit.SecondsPerHour:0.#} container-hours a month, more than the {BillingUnit.HoursPerMonth} h of an always-on container: always on would cost less if one container can serve the load."));
            }
        }

        if (inputs.MemoryGb < DocumentedMinimumMemoryGb)
        {
            var extra = (DocumentedMinimumMemoryGb - inputs.MemoryGb) * usage.RunSeconds * sheet[PriceMeter.ContainerMemory].UnitPrice / BillingUnit.SecondsPerHour;
            list.Add(Text($"{inputs.MemoryGb} GB of memory is billed as requested. ACI documents at least {DocumentedMinimumMemoryGb} GB per container group; if the group is rounded up, the month costs {extra:0.####} {sheet.Currency} more."));
        }

        list.Add(Text($"Storage transactions per task ('{profile.Name}' profile): {profile.QueueOperationsPerTask} queue operations, {profile.TableTransactionsPerTask} table transactions, {profile.BlobWritesPerTask} blob writes, {profile.BlobReadsPerTask} blob reads."));
        list.Add(Text($"Storage: the configured {inputs.StorageGb} GB is billed in full as Blob Hot LRS (Azure bills what is stored, so this is an upper bound); queue storage is not billed, since messages are deleted once processed."));
        list.Add(inputs.ApplyFreeEgressAllowance
            ? Text($"Internet egress: the first {usage.FreeEgressGb} GB a month are free per billing account, not per agent; this estimate gives the whole allowance to this agent.")
            : "Internet egress: the free allowance is taken to be used by other resources, so every GB is billed.");
        list.Add("Not included: the factory's own Function App and orchestration storage, which all agents share and which usually stays within the Functions free grant (1M executions and 400,000 GB-s a month).");

        if (inputs.Sandbox.Runs > 0)
        {
            list.Add(Text($"Sandbox: {inputs.Sandbox.Runs} run(s) of {inputs.Sandbox.DurationPerRun.TotalSeconds:0.##} s plus start-up at the configured size, a one-off cost outside the monthly total."));
        }

        return list;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
