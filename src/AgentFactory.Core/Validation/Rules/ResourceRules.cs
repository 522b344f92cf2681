using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation.Rules;

/// <summary>
/// Each resource dimension: one of the offered sizes; then, independently, at least the template's minimum,
/// at most the tier's limit, and deployable on the target runtime. An unoffered size is only reported as such.
/// </summary>
internal static class ResourceRules
{
    public static void Check(ResourceSelection? resources, RuleContext context, ProblemList problems)
    {
        if (resources is null)
        {
            problems.Required("/resources", "Resources");
            return;
        }

        var minimum = context.Template?.Resources.Minimum;
        var template = context.Template?.Name;
        var tier = context.Tier;
        var runtime = context.Runtime;

        Dimension(
            problems, "/resources/cpuCores", resources.CpuCores, ResourceOptions.CpuCores, minimum?.CpuCores, tier?.MaxCpuCores, runtime.MaxCpuCores,
            (ValidationCodes.CpuNotAllowed, ValidationCodes.CpuBelowTemplateMinimum, ValidationCodes.CpuAboveTierLimit, ValidationCodes.CpuExceedsRuntime),
            value => $"{Text.Number(value)} cores", template, tier?.Tier, runtime.Kind);
        Dimension(
            problems, "/resources/memoryMb", resources.MemoryMb, ResourceOptions.MemoryMb, minimum?.MemoryMb, tier?.MaxMemoryMb, runtime.MaxMemoryMb,
            (ValidationCodes.MemoryNotAllowed, ValidationCodes.MemoryBelowTemplateMinimum, ValidationCodes.MemoryAboveTierLimit, ValidationCodes.MemoryExceedsRuntime),
            value => $"{Text.Number(value)} MB", template, tier?.Tier, runtime.Kind);
        Dimension(
            problems, "/resources/storageGb", resources.StorageGb, ResourceOptions.StorageGb, minimum?.StorageGb, tier?.MaxStorageGb, runtime.MaxStorageGb,
            (ValidationCodes.StorageNotAllowed, ValidationCodes.StorageBelowTemplateMinimum, ValidationCodes.StorageAboveTierLimit, ValidationCodes.StorageExceedsRuntime),
            value => $"{Text.Number(value)} GB", template, tier?.Tier, runtime.Kind);
    }

    private static void Dimension<T>(
        ProblemList problems, string pointer, T value, IReadOnlyList<T> allowed, T? minimum, T? tierMaximum, T runtimeMaximum,
        (string NotAllowed, string BelowMinimum, string AboveTier, string ExceedsRuntime) codes,
        Func<T, string> show, string? template, Tier? tier, RuntimeKind runtime)
        where T : struct, IComparable<T>
    {
        if (!allowed.Contains(value))
        {
            problems.Add(pointer, codes.NotAllowed, $"{show(value)} is not offered; choose one of {Text.List(allowed.Select(show))}.");
            return;
        }

        if (minimum is { } min && value.CompareTo(min) < 0)
        {
            problems.Add(pointer, codes.BelowMinimum, $"The {template} needs at least {show(min)}; {show(value)} is too little.");
        }

        if (tierMaximum is { } max && value.CompareTo(max) > 0)
        {
            problems.Add(pointer, codes.AboveTier, $"The {tier} tier allows at most {show(max)}; choose less, or a higher tier.");
        }

        if (value.CompareTo(runtimeMaximum) > 0)
        {
            problems.Add(pointer, codes.ExceedsRuntime, $"The {runtime} runtime can give an agent at most {show(runtimeMaximum)}; choose less.");
        }
    }
}
