using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;

namespace AgentFactory.AgentRuntime.Kinds.Orchestration;

/// <summary>One step of a workflow: an action, the steps it waits for, and the action's input.</summary>
internal sealed record WorkflowStep(string Id, string Action, IReadOnlyList<string> DependsOn, JsonElement Input);

/// <summary>
/// A workflow as a dependency graph, checked before anything runs: unique ids, known actions, known dependencies
/// and no cycle. A workflow that fails a check is <c>rejected</c> with <see cref="WorkflowRejectedException"/>.
/// </summary>
internal sealed class Workflow
{
    public const int MaxSteps = 200;

    private static readonly JsonElement EmptyInput = JsonDocument.Parse("{}").RootElement.Clone();

    private Workflow(IReadOnlyList<WorkflowStep> steps) => Steps = steps;

    /// <summary>Steps in definition order.</summary>
    public IReadOnlyList<WorkflowStep> Steps { get; }

    public static Workflow Parse(JsonElement workflow)
    {
        var steps = workflow.Array("steps", MaxSteps, required: true).Select((step, i) =>
        {
            var id = step.RequiredString("id", 64);
            var action = step.RequiredString("action", 32);
            if (!StepActions.Known.Contains(action))
            {
                throw new WorkflowRejectedException($"step '{id}' has the unknown action '{action}' (use {string.Join(", ", StepActions.Known)})");
            }

            var parsed = new WorkflowStep(id, action, step.StringArray("dependsOn", MaxSteps, 64), step.Field("input")?.Clone() ?? EmptyInput);
            StepActions.Validate(parsed);
            return parsed;
        }).ToList();

        var duplicate = steps.GroupBy(step => step.Id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new WorkflowRejectedException($"the step id '{duplicate.Key}' is used twice");
        }

        var ids = steps.Select(step => step.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (step.DependsOn.FirstOrDefault(dependency => !ids.Contains(dependency)) is { } unknown)
            {
                throw new WorkflowRejectedException($"step '{step.Id}' depends on the unknown step '{unknown}'");
            }
        }

        if (FindCycle(steps) is { } cycle)
        {
            throw new WorkflowRejectedException($"the dependencies form a cycle: {string.Join(" -> ", cycle)}");
        }

        return new Workflow(steps);
    }

    /// <summary>The steps that depend on each step.</summary>
    public IReadOnlyDictionary<string, List<string>> Dependents()
    {
        var dependents = Steps.ToDictionary(step => step.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var step in Steps)
        {
            foreach (var dependency in step.DependsOn.Distinct(StringComparer.Ordinal))
            {
                dependents[dependency].Add(step.Id);
            }
        }

        return dependents;
    }

    // Depth-first search with colours; returns the cycle's path (first node repeated at the end) so the error shows it.
    private static List<string>? FindCycle(IReadOnlyList<WorkflowStep> steps)
    {
        var byId = steps.ToDictionary(step => step.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = done
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var dependency in byId[id].DependsOn)
            {
                if (state.GetValueOrDefault(dependency) == 1)
                {
                    return [.. path[path.IndexOf(dependency)..], dependency];
                }

                if (state.GetValueOrDefault(dependency) == 0 && Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        return steps.Where(step => state.GetValueOrDefault(step.Id) == 0).Select(step => Visit(step.Id)).FirstOrDefault(cycle => cycle is not null);
    }
}

/// <summary>The workflow is not a runnable dependency graph; nothing ran.</summary>
internal sealed class WorkflowRejectedException : Exception
{
    public WorkflowRejectedException()
    {
    }

    public WorkflowRejectedException(string message)
        : base(message)
    {
    }

    public WorkflowRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
