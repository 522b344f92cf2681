using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

// The quantities a month of the agent's life adds up to, before any price is applied.
internal sealed record MonthlyUsage(
    decimal TasksPerMonth,
    decimal BilledSecondsPerRun,
    decimal RunSeconds,
    decimal IdlePolls,
    TransactionProfile Profile,
    decimal FreeEgressGb,
    decimal BillableEgressGb)
{
    public const decimal SecondsPerMonth = BillingUnit.HoursPerMonth * BillingUnit.SecondsPerHour;

    // 730 h / 24 = 30.4167 days: the same month always-on is billed for.
    public const decimal DaysPerMonth = BillingUnit.HoursPerMonth / 24m;

    public static MonthlyUsage Of(CostInputs inputs, MeterPrice egress)
    {
        // Multiply before dividing: 24 tasks a day is exactly 730 a month.
        var tasksPerMonth = inputs.TasksPerDay * BillingUnit.HoursPerMonth / 24m;
        var perRun = BilledSeconds(inputs.AverageTaskDuration + inputs.StartupOverheadPerRun);
        var alwaysOn = inputs.Mode == ExecutionMode.AlwaysOn;
        var runSeconds = alwaysOn ? SecondsPerMonth : tasksPerMonth * perRun;

        // Each poll of an idle always-on agent is one queue operation; counting a whole month of them
        // is an upper bound (a busy agent finds messages instead of polling empty).
        var idlePolls = alwaysOn ? SecondsPerMonth / Seconds(inputs.IdlePollInterval) : 0m;
        var free = inputs.ApplyFreeEgressAllowance ? egress.FreeQuantityPerMonth : 0m;
        return new MonthlyUsage(
            tasksPerMonth,
            perRun,
            runSeconds,
            idlePolls,
            inputs.EffectiveTransactions,
            free,
            Math.Max(0m, inputs.EgressGbPerMonth - free));
    }

    // ACI bills per second, so a run is billed in whole seconds, rounded up.
    public static decimal BilledSeconds(TimeSpan run) => Math.Ceiling(Seconds(run));

    private static decimal Seconds(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerSecond;
}
