using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>
/// Which of the template's test tasks makes the deployed agent's first task: one whose capabilities the configuration
/// selected, preferring one that needs no test endpoint, then one that needs no credential (a deployed agent sends its
/// credential only to its configured API, so an authentication task could not pass against the test endpoint).
/// </summary>
public static class FirstTask
{
    /// <summary>The id of the first task of a deployment in the agent's results table.</summary>
    public static string IdFor(string deploymentId) => "first-task-" + deploymentId;

    public static SandboxTestTask Choose(AgentTemplate template, AgentConfiguration configuration)
    {
        var selected = new HashSet<string>(configuration.Capabilities?.Selected ?? [], StringComparer.Ordinal);
        List<SandboxTestTask> runnable = [.. template.TestTasks.Where(t => t.Covers.All(selected.Contains))];
        List<SandboxTestTask> candidates = runnable.Count > 0 ? runnable : [.. template.TestTasks];
        return candidates.FirstOrDefault(t => !t.UsesSandboxHttp)
            ?? candidates.FirstOrDefault(t => !t.Covers.Contains("authentication", StringComparer.Ordinal))
            ?? candidates[0];
    }
}

/// <summary>
/// Step 6: sends the first task to the agent's queue (<c>{"id", "input"}</c>, the agent program's message format),
/// unless its result is already there. A task aimed at the sandbox test endpoint gets the factory's endpoint address.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.SendFirstTask)]
public sealed class SendFirstTaskActivity(AgentWorkLoader loader, ProvisioningStorage storage, ISandboxEndpoint endpoint, DeploymentEventTable events,
    TimeProvider time) : DeploymentActivity<AgentWork, FirstTaskSummary>(events, time)
{
    /// <summary>The table the agent program's service mode writes results to (docs/AGENT-RUNTIME.md, "Result").</summary>
    public const string ResultsTable = "agentresults";

    protected override ProgressTicket TicketOf(AgentWork input) => input.Ticket;

    protected override async Task<Published<FirstTaskSummary>> ExecuteAsync(AgentWork input, CancellationToken cancellationToken)
    {
        AgentConfiguration configuration = AgentWorkLoader.Redacted(input);
        SandboxTestTask task = FirstTask.Choose(loader.Template(input), configuration);
        string taskId = FirstTask.IdFor(input.Ticket.DeploymentId);
        AgentResourceNames names = AgentResourceNames.For(input.Ticket.TenantId, configuration.Name);
        var summary = new FirstTaskSummary { TaskId = taskId, TemplateTaskId = task.Id };
        if (await CheckFirstTaskActivity.ResultAsync(storage, configuration.Name, taskId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new Published<FirstTaskSummary>(summary, DeploymentEventTypes.FirstTaskSent, $"The first task ({task.Id}) has already run.");
        }

        string taskInput = task.Input.GetRawText();
        if (task.UsesSandboxHttp)
        {
            if (await endpoint.UrlForAgentsAsync(cancellationToken).ConfigureAwait(false) is not { } url)
            {
                // Every task of the template needs the test endpoint (Choose prefers one that does not), and it lives only
                // in sandbox groups here: a task sent anyway would fail for a reason that is not the agent's.
                string why = $"its first task ({task.Id}) needs the sandbox test endpoint, which deployed agents cannot reach on this container runtime";
                return new Published<FirstTaskSummary>(summary with { Done = true, Succeeded = true, Skipped = why }, DeploymentEventTypes.FirstTaskSent,
                    $"No first task sent: {why}; the agent is judged by its health checks alone.");
            }

            taskInput = taskInput.Replace(SandboxTestTask.SandboxHttpPlaceholder, url, StringComparison.Ordinal);
        }

        using JsonDocument parsed = JsonDocument.Parse(taskInput);
        string message = JsonSerializer.Serialize(new { id = taskId, input = parsed.RootElement });
        await storage.Queues.GetQueueClient(names.TaskQueue).SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        return new Published<FirstTaskSummary>(summary, DeploymentEventTypes.FirstTaskSent,
            $"Sent the first task ({task.Id}: {task.Description}) to queue {names.TaskQueue}.");
    }
}

/// <summary>
/// Step 6: looks for the first task's result row (written by the agent) and judges it with the template task's
/// assertions. The orchestration repeats it on a durable timer, bounded.
/// </summary>
[Durable.DurableTask(AgentCreationActivities.CheckFirstTask)]
public sealed class CheckFirstTaskActivity(AgentWorkLoader loader, ProvisioningStorage storage, DeploymentEventTable events, TimeProvider time)
    : DeploymentActivity<FirstTaskCheckInput, FirstTaskSummary>(events, time)
{
    protected override ProgressTicket TicketOf(FirstTaskCheckInput input) => input.Work.Ticket;

    /// <summary>The result row of <paramref name="taskId"/>, or null while there is none.</summary>
    internal static async Task<TableEntity?> ResultAsync(ProvisioningStorage storage, string agentName, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            NullableResponse<TableEntity> row = await storage.Tables.GetTableClient(SendFirstTaskActivity.ResultsTable)
                .GetEntityIfExistsAsync<TableEntity>(agentName, taskId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return row.HasValue ? row.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    protected override async Task<Published<FirstTaskSummary>> ExecuteAsync(FirstTaskCheckInput input, CancellationToken cancellationToken)
    {
        var summary = new FirstTaskSummary { TaskId = input.TaskId, TemplateTaskId = input.TemplateTaskId };
        TableEntity? row = await ResultAsync(storage, input.AgentName, input.TaskId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return new Published<FirstTaskSummary>(summary, DeploymentEventTypes.FirstTaskChecked, $"No result for the first task yet (look {input.Attempt}).");
        }

        // The agent writes a whole number of milliseconds (Int64); read any number.
        double duration = row.TryGetValue("DurationMs", out object? ms) && ms is IConvertible number
            ? number.ToDouble(System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (row.GetBoolean("Ok") != true)
        {
            string error = row.GetString("Error") ?? "the agent reported no error";
            return Done(summary with { Done = true, Failure = $"The agent could not run the first task: {error}", DurationMs = duration });
        }

        SandboxTestTask task = loader.Template(input.Work).TestTasks.First(t => t.Id == input.TemplateTaskId);
        using JsonDocument result = JsonDocument.Parse(row.GetString("Result") ?? "null");
        List<string> failed = [.. task.Expect.Select(a => (a, a.Evaluate(result.RootElement))).Where(x => !x.Item2.Passed)
            .Select(x => $"{x.a.Path} {x.a.Kind}: {x.Item2.Detail}")];
        return Done(summary with
        {
            Done = true,
            Succeeded = failed.Count == 0,
            Failure = failed.Count == 0 ? null : $"The first task gave an unexpected result: {string.Join("; ", failed)}",
            DurationMs = duration,
        });
    }

    private static Published<FirstTaskSummary> Done(FirstTaskSummary summary) => new(summary, DeploymentEventTypes.FirstTaskChecked,
        summary.Succeeded ? $"The first task ({summary.TemplateTaskId}) succeeded in {summary.DurationMs:0} ms." : summary.Failure!);
}
