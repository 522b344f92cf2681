using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation.Rules;

namespace AgentFactory.Core.Templates;

/// <summary>
/// Completeness checks of one template, run when the catalog loads: a template that could not be
/// configured or tested must fail at start rather than in front of a user.
/// </summary>
internal static class TemplateChecks
{
    /// <summary>Fewest test tasks a template ships.</summary>
    public const int MinTestTasks = 3;

    public static IEnumerable<string> Check(AgentTemplate template)
    {
        var problems = new List<string>();
        var who = $"Template {template.Id ?? "(no id)"} v{template.Version}";
        void Fail(string message) => problems.Add($"{who}: {message}");

        if (template.Id is null || !template.Id.StartsWith("tmpl-", StringComparison.Ordinal))
        {
            Fail("the id must start with 'tmpl-'.");
        }

        if (template.Version < 1)
        {
            Fail("the version must be 1 or more.");
        }

        if (string.IsNullOrWhiteSpace(template.Name) || string.IsNullOrWhiteSpace(template.Description) || string.IsNullOrWhiteSpace(template.Icon))
        {
            Fail("name, description and icon are required.");
        }

        if (template.EstimatedMinutes <= 0)
        {
            Fail("the estimated time must be positive.");
        }

        CheckCapabilities(template, Fail);
        CheckResources(template, Fail);
        CheckDefaults(template, Fail);
        CheckTasks(template, Fail);
        return problems;
    }

    private static void CheckCapabilities(AgentTemplate template, Action<string> fail)
    {
        var all = template.RequiredCapabilities.Concat(template.OptionalCapabilities).ToList();
        if (template.RequiredCapabilities.Count == 0)
        {
            fail("at least one required capability is needed.");
        }

        foreach (var capability in all.Where(c => !CapabilityRules.IsWellFormed(c)))
        {
            fail($"capability '{capability}' is not snake_case.");
        }

        if (all.Distinct(StringComparer.Ordinal).Count() != all.Count)
        {
            fail("a capability is listed twice.");
        }
    }

    private static void CheckResources(AgentTemplate template, Action<string> fail)
    {
        var (minimum, @default) = (template.Resources.Minimum, template.Resources.Default);
        foreach (var size in new[] { minimum, @default })
        {
            if (!ResourceOptions.CpuCores.Contains(size.CpuCores) || !ResourceOptions.MemoryMb.Contains(size.MemoryMb) || !ResourceOptions.StorageGb.Contains(size.StorageGb))
            {
                fail($"resources {size} are not among the allowed sizes.");
            }
        }

        if (@default.CpuCores < minimum.CpuCores || @default.MemoryMb < minimum.MemoryMb || @default.StorageGb < minimum.StorageGb)
        {
            fail("the default resources are below the minimum.");
        }
    }

    private static void CheckDefaults(AgentTemplate template, Action<string> fail)
    {
        var defaults = template.DefaultConfiguration;
        if (defaults.Settings.Category != template.Category)
        {
            fail($"the default settings are of kind {defaults.Settings.Category}, not {template.Category}.");
        }

        foreach (var capability in defaults.OptionalCapabilities.Where(c => !template.OptionalCapabilities.Contains(c)))
        {
            fail($"default capability '{capability}' is not an optional capability.");
        }
    }

    private static void CheckTasks(AgentTemplate template, Action<string> fail)
    {
        if (template.TestTasks.Count < MinTestTasks)
        {
            fail($"it needs at least {MinTestTasks} test tasks.");
        }

        if (template.TestTasks.Select(t => t.Id).Distinct(StringComparer.Ordinal).Count() != template.TestTasks.Count)
        {
            fail("test task ids must be unique.");
        }

        foreach (var missing in template.RequiredCapabilities.Where(c => !template.TestTasks.Any(t => t.Covers.Contains(c))))
        {
            fail($"no test task covers required capability '{missing}'.");
        }

        foreach (var task in template.TestTasks)
        {
            CheckTask(template, task, message => fail($"task '{task.Id}': {message}"));
        }
    }

    private static void CheckTask(AgentTemplate template, SandboxTestTask task, Action<string> fail)
    {
        var operations = TaskOperations.For(template.Category);
        if (task.Input.ValueKind != JsonValueKind.Object || !task.Input.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String)
        {
            fail("the input must be a JSON object with a string 'op'.");
        }
        else if (!operations.Contains(op.GetString()))
        {
            fail($"op '{op.GetString()}' is not one of the runtime's {template.Category} operations ({string.Join(", ", operations)}).");
        }
        else if (task.Input.TryGetProperty("ops", out var ops) && ops.ValueKind == JsonValueKind.Array &&
                 ops.EnumerateArray().Any(step => !step.TryGetProperty("op", out var inner) || inner.ValueKind != JsonValueKind.String || !operations.Contains(inner.GetString())))
        {
            fail("every step of a sequence needs an 'op' of the same kind.");
        }

        if (task.Covers.Count == 0 || task.Covers.Any(c => !template.Knows(c)))
        {
            fail("it must cover one or more of the template's capabilities, and only those.");
        }

        if (task.UsesSandboxHttp && !template.Execution.NetworkAccess)
        {
            fail("it calls the sandbox HTTP endpoint but the template has no network access.");
        }

        if (task.Expect.Count == 0)
        {
            fail("it needs at least one assertion.");
        }

        foreach (var assertion in task.Expect)
        {
            if (!ResultPath.TryParse(assertion.Path, out _, out var error))
            {
                fail($"assertion path '{assertion.Path}' is invalid: {error}.");
            }

            if (assertion.NeedsValue != (assertion.Value is not null))
            {
                fail($"assertion '{assertion.Kind}' on {assertion.Path} {(assertion.NeedsValue ? "needs" : "takes no")} value.");
            }
        }
    }
}
