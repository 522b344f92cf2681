using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>
/// Runs one task on a handler and turns whatever happens into a <see cref="TaskOutcome"/>: a result, a bad-input
/// error, a timeout or a crash — never an exception. Results pass the <see cref="SecretRedactor"/> before they leave.
/// </summary>
internal sealed class TaskRunner(SecretRedactor redactor, ILogger logger, TimeSpan taskTimeout)
{
    public async Task<TaskOutcome> RunAsync(IAgentHandler handler, AgentTask task, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var op = "";
        TaskOutcome outcome;
        try
        {
            op = task.Op;
            Log.TaskStarted(logger, task.Id, op);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(taskTimeout);

            // WaitAsync too: a handler that ignores its token must not hold the task past its timeout.
            var result = await handler.HandleAsync(op, task.Input, timeout.Token).WaitAsync(timeout.Token);
            var json = JsonSerializer.Serialize(result, RuntimeJson.Options);
            var safe = redactor.Redact(json);
            if (!ReferenceEquals(safe, json) && safe != json)
            {
                Log.SecretMasked(logger, task.Id);
            }

            using var document = JsonDocument.Parse(safe);
            outcome = new TaskOutcome { TaskId = task.Id, Ok = true, Result = document.RootElement.Clone() };
        }
        catch (TaskInputException e)
        {
            outcome = Failed(task, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = Failed(task, $"The task did not finish within {taskTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.TaskCrashed(logger, task.Id, e);
            outcome = Failed(task, $"{e.GetType().Name}: {redactor.Redact(e.Message)}");
        }

        outcome = outcome with { DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
        Log.TaskFinished(logger, task.Id, op, outcome.Ok, outcome.DurationMs);
        if (outcome.Error is { } error)
        {
            Log.TaskFailed(logger, task.Id, error);
        }

        return outcome;
    }

    private static TaskOutcome Failed(AgentTask task, string error) => new() { TaskId = task.Id, Ok = false, Error = error };
}
