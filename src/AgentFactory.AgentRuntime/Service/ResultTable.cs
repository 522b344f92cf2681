using AgentFactory.AgentRuntime.Tasks;
using Azure.Data.Tables;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>
/// Task results in a Table: PartitionKey = agent name, RowKey = task id. A point read finds a task's result (the
/// factory's "run first task" step waits on one), and writing it again — a message delivered twice — replaces the
/// row with the same content: results are idempotent under at-least-once delivery.
/// </summary>
internal sealed class ResultTable(TableClient table, string agent)
{
    // A Table string property holds 64 KiB, i.e. 32K UTF-16 characters.
    public const int MaxResultCharacters = 32_000;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    public async Task WriteAsync(TaskOutcome outcome, string messageId, long dequeueCount, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        var result = outcome.Result?.GetRawText();
        var entity = new TableEntity(agent, RowKey(outcome.TaskId!))
        {
            ["TaskId"] = outcome.TaskId,
            ["Ok"] = outcome.Ok,
            ["Result"] = result is { Length: > MaxResultCharacters } ? result[..MaxResultCharacters] : result,
            ["ResultTruncated"] = result is { Length: > MaxResultCharacters },
            ["Error"] = outcome.Error,
            ["DurationMs"] = outcome.DurationMs,
            ["CompletedAt"] = completedAt,
            ["MessageId"] = messageId,
            ["DequeueCount"] = dequeueCount,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The row key of a task id: characters a row key cannot hold become '_' (the id itself is kept in TaskId).</summary>
    public static string RowKey(string taskId) =>
        new(taskId.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).ToArray());
}
