namespace AgentFactory.Core.Configuration;

/// <summary>
/// What a tier allows. The figures are product decisions documented in docs/DOMAIN.md: Starter fits
/// the brief's "&lt; $2/month per agent" only on demand (ANCHORS: an always-on 0.5 vCPU / 1 GB container
/// already costs ≈ $18/month), so Starter is on-demand only with a small budget.
/// </summary>
public sealed record TierLimits
{
    /// <summary>The tier.</summary>
    public required Tier Tier { get; init; }

    /// <summary>Most CPU cores.</summary>
    public required decimal MaxCpuCores { get; init; }

    /// <summary>Most memory in MB.</summary>
    public required int MaxMemoryMb { get; init; }

    /// <summary>Most storage in GB.</summary>
    public required int MaxStorageGb { get; init; }

    /// <summary>Most environment variables.</summary>
    public required int MaxEnvironmentVariables { get; init; }

    /// <summary>Execution modes the tier allows.</summary>
    public required IReadOnlyList<ExecutionMode> ExecutionModes { get; init; }

    /// <summary>The most an agent's monthly cost estimate may be, in USD.</summary>
    public required decimal MonthlyBudgetUsd { get; init; }

    /// <summary>Starter: 1 core, 2 GB, 10 GB, 10 variables, on demand only, $10/month.</summary>
    public static TierLimits Starter { get; } = new()
    {
        Tier = Tier.Starter, MaxCpuCores = 1m, MaxMemoryMb = 2048, MaxStorageGb = 10,
        MaxEnvironmentVariables = 10, ExecutionModes = [ExecutionMode.OnDemand], MonthlyBudgetUsd = 10m,
    };

    /// <summary>Professional: 2 cores, 4 GB, 20 GB, 50 variables, both modes, $150/month.</summary>
    public static TierLimits Professional { get; } = new()
    {
        Tier = Tier.Professional, MaxCpuCores = 2m, MaxMemoryMb = 4096, MaxStorageGb = 20,
        MaxEnvironmentVariables = 50, ExecutionModes = [ExecutionMode.OnDemand, ExecutionMode.AlwaysOn], MonthlyBudgetUsd = 150m,
    };

    /// <summary>Enterprise: 4 cores, 4 GB, 20 GB, 200 variables, both modes, $1,000/month.</summary>
    public static TierLimits Enterprise { get; } = new()
    {
        Tier = Tier.Enterprise, MaxCpuCores = 4m, MaxMemoryMb = 4096, MaxStorageGb = 20,
        MaxEnvironmentVariables = 200, ExecutionModes = [ExecutionMode.OnDemand, ExecutionMode.AlwaysOn], MonthlyBudgetUsd = 1000m,
    };

    /// <summary>The limits of <paramref name="tier"/>, or null for a value outside the enum.</summary>
    public static TierLimits? For(Tier tier) => tier switch
    {
        Tier.Starter => Starter,
        Tier.Professional => Professional,
        Tier.Enterprise => Enterprise,
        _ => null,
    };
}
