using System.Text.Json;
using AgentFactory.Durable.Backend;
using AgentFactory.Durable.History;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Durable.Worker;

/// <summary>Runs one activity request and turns its outcome into the message for its orchestration.</summary>
internal sealed class ActivityRunner(DurableTaskRegistry registry, IServiceProvider services, EngineLimits limits, TimeProvider time)
{
    /// <summary>Runs the activity. Throws <see cref="OperationCanceledException"/> only when <paramref name="shutdown"/> stopped it.</summary>
    public async Task<OrchestrationMessage> RunAsync(ActivityRequest request, CancellationToken shutdown)
    {
        TaskScheduledEvent scheduled = request.Scheduled;
        HistoryEvent outcome;
        try
        {
            string? output = await InvokeAsync(request, shutdown);
            outcome = new TaskCompletedEvent(scheduled.TaskId, output);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            outcome = new TaskFailedEvent(scheduled.TaskId, FailureDetails.FromException(ex));
        }

        return new OrchestrationMessage(request.InstanceId, outcome with { Timestamp = time.GetUtcNow().UtcDateTime })
        {
            ExecutionId = request.ExecutionId,
        };
    }

    private async Task<string?> InvokeAsync(ActivityRequest request, CancellationToken cancellationToken)
    {
        TaskScheduledEvent scheduled = request.Scheduled;
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        if (!registry.TryGetActivity(scheduled.Name, scope.ServiceProvider, out ITaskActivity? activity))
        {
            throw new InvalidOperationException($"No activity named '{scheduled.Name}' is registered with this worker.");
        }

        object? input;
        try
        {
            input = limits.DataConverter.Deserialize(scheduled.Input, activity!.InputType)
                ?? (activity.InputType.IsValueType ? Activator.CreateInstance(activity.InputType) : null);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The input of activity '{scheduled.Name}' could not be read as {activity!.InputType.Name}: {ex.Message}", ex);
        }

        var context = new Context(scheduled.Name, request.InstanceId, scheduled.TaskId);
        object? result = await activity.RunAsync(context, input, cancellationToken);
        string? output = limits.DataConverter.Serialize(result);
        limits.EnsurePayloadFits(output, $"output of activity '{scheduled.Name}'");
        return output;
    }

    private sealed class Context(string name, string instanceId, int taskId) : TaskActivityContext
    {
        public override string Name => name;

        public override string InstanceId => instanceId;

        public override int TaskId => taskId;
    }
}
