using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Templates;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Sandbox;

/// <summary>
/// Sandbox mode: runs test tasks and writes one JSON line per task to <c>output</c>. Each task gets a fresh handler
/// (own memory scope, own clock), so tasks never depend on each other's order. With <c>assert</c> each line also says
/// whether the task's assertions passed.
/// </summary>
/// <remarks>Exit code: 0 when every task was read and run (and, with assert, passed); 1 otherwise.</remarks>
internal sealed class SandboxMode(AgentHost host, TaskRunner runner, TextWriter output, SecretRedactor redactor, bool assert, ILogger logger)
{
    public async Task<int> RunAsync(TextReader tasks, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        var problems = 0;
        await foreach (var (task, error) in TaskReader.ReadAsync(tasks, SubstituteSandboxHttp, cancellationToken))
        {
            if (task is null)
            {
                problems++;
                Write(new TaskOutcome { Ok = false, Error = error });
                continue;
            }

            if (TaskChecks.SkipReason(task, host.Configuration) is { } reason)
            {
                Log.TaskSkipped(logger, task.Id, reason);
                Write(new TaskOutcome { TaskId = task.Id, Ok = true, Skipped = true, Reason = reason });
                continue;
            }

            TaskOutcome outcome;
            try
            {
                await using var handler = HandlerFactory.Create(host, $"{host.AgentName}.sandbox.{run}.{Scope(task.Id)}");
                outcome = await runner.RunAsync(handler, task, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The agent itself cannot run (a setting it cannot use, storage it cannot reach): every task says so.
                Log.AgentFailed(logger, e);
                outcome = new TaskOutcome { TaskId = task.Id, Ok = false, Error = $"The agent could not run the task: {redactor.Redact(e.Message)}" };
            }

            if (assert)
            {
                outcome = TaskChecks.Assert(task, outcome);
                problems += outcome.Passed == true ? 0 : 1;
            }

            Write(outcome);
        }

        return problems == 0 ? 0 : 1;
    }

    // The sandbox layer substitutes the placeholder itself; doing it here too lets a person run template tasks by hand.
    private string SubstituteSandboxHttp(string text) =>
        host.Environment.SandboxHttp is { } url && text.Contains(SandboxTestTask.SandboxHttpPlaceholder, StringComparison.Ordinal)
            ? text.Replace(SandboxTestTask.SandboxHttpPlaceholder, url.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal)
            : text;

    private void Write(TaskOutcome outcome)
    {
        output.WriteLine(redactor.Redact(JsonSerializer.Serialize(outcome, RuntimeJson.Options)));
        output.Flush();
    }

    // Table partition keys and file names: keep task ids to a safe alphabet.
    private static string Scope(string taskId) =>
        new(taskId.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
