using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>Execution mode allowed by the tier; on-demand load given and plausible (pricing depends on it); the inbound rate limit.</summary>
internal static class ExecutionRules
{
    public const int MaxTasksPerDay = 1_000_000;
    public const double MaxTaskDurationSeconds = 3600;
    public const double MaxRateLimitPerSecond = 1000;

    public static void Check(ExecutionSettings? execution, TierLimits? tier, ProblemList problems)
    {
        const string pointer = "/execution";
        if (execution is null)
        {
            problems.Required(pointer, "Execution");
            return;
        }

        if (!Enum.IsDefined(execution.Mode))
        {
            problems.Add(pointer + "/mode", ValidationCodes.EnumUndefined, "The execution mode must be alwaysOn or onDemand.");
            return;
        }

        if (tier is not null && !tier.ExecutionModes.Contains(execution.Mode))
        {
            problems.Add(pointer + "/mode", ValidationCodes.ExecutionModeNotAllowedForTier,
                $"The {tier.Tier} tier does not allow {execution.Mode} agents; choose {Text.List(tier.ExecutionModes)} or a higher tier.");
        }

        if (execution.Mode != ExecutionMode.OnDemand)
        {
            return;
        }

        if (execution.ExpectedTasksPerDay is not { } tasks)
        {
            problems.Required(pointer + "/expectedTasksPerDay", "For an on-demand agent, expected tasks per day");
        }
        else if (tasks is < 1 or > MaxTasksPerDay)
        {
            problems.Add(pointer + "/expectedTasksPerDay", ValidationCodes.ExecutionTasksPerDayRange,
                $"Expected tasks per day must be 1–{Text.Number(MaxTasksPerDay)}; it is {Text.Number(tasks)}.");
        }

        if (execution.AverageTaskDurationSeconds is not { } duration)
        {
            problems.Required(pointer + "/averageTaskDurationSeconds", "For an on-demand agent, the average task duration");
        }
        else if (!(duration > 0 && duration <= MaxTaskDurationSeconds))
        {
            problems.Add(pointer + "/averageTaskDurationSeconds", ValidationCodes.ExecutionDurationRange,
                $"The average task duration must be more than 0 and at most {Text.Number(MaxTaskDurationSeconds)} seconds; it is {Text.Number(duration)}.");
        }
    }

    public static void RateLimit(double? rateLimit, ProblemList problems)
    {
        if (rateLimit is { } rate && !(rate > 0 && rate <= MaxRateLimitPerSecond))
        {
            problems.Add("/advanced/rateLimitPerSecond", ValidationCodes.RateLimitRange,
                $"The rate limit must be more than 0 and at most {Text.Number(MaxRateLimitPerSecond)} requests per second, or empty for none; it is {Text.Number(rate)}.");
        }
    }
}
