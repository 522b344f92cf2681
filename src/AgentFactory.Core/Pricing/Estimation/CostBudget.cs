namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>How many tasks a day an agent can run and stay under a monthly budget (e.g. the $2 target).</summary>
/// <param name="MonthlyBudget">The budget, exclusive: the total must stay strictly below it.</param>
/// <param name="Reachable">False when the agent costs the budget or more even with no tasks (every always-on size).</param>
/// <param name="MaxTasksPerDay">The most whole tasks a day under the budget; null when unreachable, or unbounded (tasks cost nothing).</param>
/// <param name="FixedMonthlyCost">The monthly cost with no tasks at all.</param>
/// <param name="CostPerDailyTask">What each extra task a day adds to the month.</param>
/// <param name="EstimateAtMax">The estimate at <paramref name="MaxTasksPerDay"/>, when there is one.</param>
public sealed record TaskBudget(
    decimal MonthlyBudget,
    bool Reachable,
    long? MaxTasksPerDay,
    decimal FixedMonthlyCost,
    decimal CostPerDailyTask,
    CostEstimate? EstimateAtMax);

/// <summary>Budget questions answered with an <see cref="ICostEstimator"/>.</summary>
public static class CostBudget
{
    /// <summary>
    /// The largest whole number of tasks a day at which <paramref name="inputs"/> (all else equal)
    /// costs strictly less than <paramref name="monthlyBudget"/> a month. The cost is linear in tasks
    /// a day, so the answer comes from the estimates at 0 and 1 task and is then checked either side.
    /// </summary>
    public static PricingResult<TaskBudget> MaxTasksPerDay(this ICostEstimator estimator, CostInputs inputs, decimal monthlyBudget)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(inputs);
        var none = estimator.Estimate(inputs with { TasksPerDay = 0m });
        var one = estimator.Estimate(inputs with { TasksPerDay = 1m });
        if (!none.IsSuccess || !one.IsSuccess)
        {
            return PricingResult.Failure<TaskBudget>(none.IsSuccess ? one.Errors : none.Errors);
        }

        var fixedCost = none.Value.MonthlyTotal;
        var perTask = one.Value.MonthlyTotal - fixedCost;
        if (fixedCost >= monthlyBudget)
        {
            return PricingResult.Success(new TaskBudget(monthlyBudget, false, null, fixedCost, perTask, null));
        }

        if (perTask <= 0m)
        {
            return PricingResult.Success(new TaskBudget(monthlyBudget, true, null, fixedCost, perTask, none.Value));
        }

        var max = (long)Math.Min(Math.Floor((monthlyBudget - fixedCost) / perTask), long.MaxValue - 1);

        // Guard the arithmetic with real estimates: max is under budget, max + 1 is not.
        while (max > 0 && !At(max).IsUnder(monthlyBudget))
        {
            max--;
        }

        while (At(max + 1).IsUnder(monthlyBudget))
        {
            max++;
        }

        return PricingResult.Success(new TaskBudget(monthlyBudget, true, max, fixedCost, perTask, At(max)));

        CostEstimate At(long tasks) => estimator.Estimate(inputs with { TasksPerDay = tasks }).Value;
    }
}
