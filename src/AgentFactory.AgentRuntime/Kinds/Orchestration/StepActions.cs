using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.AgentRuntime.Tasks;

namespace AgentFactory.AgentRuntime.Kinds.Orchestration;

/// <summary>A step attempt failed (the step may be retried).</summary>
internal sealed class StepFailedException : Exception
{
    public StepFailedException()
    {
    }

    public StepFailedException(string message)
        : base(message)
    {
    }

    public StepFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The built-in step actions. A step sees its dependencies' outputs, so a workflow passes data along:
/// <c>echo</c> returns <c>input.value</c> (or its dependencies' outputs by step id), <c>sum</c> adds
/// <c>input.values</c> (or its dependencies' numeric outputs), <c>delay</c> waits <c>input.ms</c>, and
/// <c>fail</c> fails its first <c>input.times</c> attempts.
/// </summary>
internal static class StepActions
{
    public static readonly IReadOnlyList<string> Known = ["echo", "sum", "delay", "fail"];

    /// <summary>Checks the step's input before the workflow starts, so a typo rejects the workflow instead of failing it halfway.</summary>
    public static void Validate(WorkflowStep step)
    {
        try
        {
            _ = step.Action switch
            {
                "sum" when step.Input.Field("values") is not null => step.Input.Array("values", 10_000).Count(item => item.ValueKind == JsonValueKind.Number ? true : throw JsonInput.Invalid("values", "an array of numbers")),
                "delay" => step.Input.RequiredInt("ms", 0, 3_600_000),
                "fail" => step.Input.RequiredInt("times", 0, 100),
                _ => 0,
            };
        }
        catch (TaskInputException e)
        {
            throw new WorkflowRejectedException($"step '{step.Id}': {e.Message}", e);
        }
    }

    public static async Task<JsonNode?> RunAsync(WorkflowStep step, IReadOnlyDictionary<string, JsonNode?> dependencyOutputs, int attempt, TimeProvider time, CancellationToken cancellationToken)
    {
        var input = step.Input;
        switch (step.Action)
        {
            case "echo":
                return input.Field("value") is { } value
                    ? JsonNode.Parse(value.GetRawText())
                    : dependencyOutputs.Count == 0 ? null : new JsonObject(dependencyOutputs.Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
            case "sum":
                var values = input.Field("values") is not null
                    ? input.Array("values", 10_000).Select(item => item.ValueKind == JsonValueKind.Number ? item.GetDecimal() : throw JsonInput.Invalid("values", "an array of numbers"))
                    : dependencyOutputs.Values.OfType<JsonValue>().Where(node => node.GetValueKind() == JsonValueKind.Number).Select(node => node.GetValue<decimal>());
                return JsonValue.Create(values.Sum() / 1.000000000000000000000000000000000m); // drops trailing zeros: 6, not 6.00
            case "delay":
                var ms = input.RequiredInt("ms", 0, 3_600_000);
                await Task.Delay(TimeSpan.FromMilliseconds(ms), time, cancellationToken);
                return JsonValue.Create(ms);
            case "fail":
                var times = input.RequiredInt("times", 0, 100);
                return attempt <= times
                    ? throw new StepFailedException($"planned failure {attempt} of {times}")
                    : JsonValue.Create(attempt);
            default:
                throw new StepFailedException($"unknown action '{step.Action}'");
        }
    }
}
