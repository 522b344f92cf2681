using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Kinds.Orchestration;

/// <summary>
/// The orchestration agent: <c>run</c> executes a workflow (a dependency graph of steps) under the settings'
/// parallelism, step timeout and retries, which a task may override within the settings' ranges.
/// </summary>
internal sealed class OrchestrationHandler(OrchestrationSettings settings, TimeProvider time) : IAgentHandler
{
    private const int DefaultRetryDelayMs = 100;

    public async Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken)
    {
        if (op != "run")
        {
            throw new TaskInputException($"Unknown op '{op}' for an orchestration agent: use run.");
        }

        var limits = new WorkflowLimits(
            input.OptionalInt("maxParallelSteps", 1, OrchestrationSettings.MaxParallelStepsLimit) ?? settings.MaxParallelSteps,
            TimeSpan.FromSeconds(input.OptionalNumber("stepTimeoutSeconds", 0.001, OrchestrationSettings.MaxStepTimeoutSeconds) ?? settings.StepTimeoutSeconds),
            input.OptionalInt("maxRetries", 0, OrchestrationSettings.MaxRetriesLimit) ?? settings.MaxRetries,
            TimeSpan.FromMilliseconds(input.OptionalInt("retryDelayMs", 0, 60_000) ?? DefaultRetryDelayMs));
        Workflow workflow;
        try
        {
            workflow = Workflow.Parse(input.RequiredObject("workflow"));
        }
        catch (WorkflowRejectedException e)
        {
            return new WorkflowReport("rejected", [], new Dictionary<string, StepReport>(), 0, e.Message);
        }

        // A runner per run: its parallelism counter must not mix concurrent workflows of a service agent.
        return await new WorkflowRunner(time).RunAsync(workflow, limits, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
