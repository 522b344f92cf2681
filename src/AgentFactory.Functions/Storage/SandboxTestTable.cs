using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>Where a sandbox run stands.</summary>
public enum SandboxTestStatus
{
    Running,
    Passed,
    Failed,
    Stopped,
}

/// <summary>
/// One sandbox run of a deployment (the brief's <c>sandbox_tests</c> row). Logs live in Blob storage
/// (<see cref="LogsReference"/>), metrics and per-task results as JSON.
/// </summary>
public sealed record SandboxTestRecord
{
    public required string DeploymentId { get; init; }

    public required string TestId { get; init; }

    /// <summary>What was run: the template's suite, or one custom task.</summary>
    public required string TestType { get; init; }

    public SandboxTestStatus Status { get; init; }

    public string? LogsReference { get; init; }

    public string? MetricsJson { get; init; }

    public string? ResultsJson { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public ETag ETag { get; init; }
}

/// <summary>
/// The <c>SandboxTests</c> table: PartitionKey = deployment id, RowKey = <c>{newest-first ticks}:{test id}</c>,
/// so a deployment's runs list newest first in one query (the brief's
/// <c>idx_sandbox_tests_deployment (deployment_id, created_at DESC)</c>).
/// </summary>
public sealed class SandboxTestTable(FactoryTables tables)
{
    /// <summary>Records a new run.</summary>
    public async Task<SandboxTestRecord> AddAsync(SandboxTestRecord record, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        Response response = await tables.SandboxTests.AddEntityAsync(ToRow(record), cancellationToken).ConfigureAwait(false);
        return record with { ETag = response.Headers.ETag ?? default };
    }

    /// <summary>Writes the run over its stored version if that is still <paramref name="record"/>'s ETag (else 412).</summary>
    public async Task<SandboxTestRecord> UpdateAsync(SandboxTestRecord record, CancellationToken cancellationToken = default)
    {
        Response response = await tables.SandboxTests.UpdateEntityAsync(ToRow(record), record.ETag, TableUpdateMode.Replace, cancellationToken)
            .ConfigureAwait(false);
        return record with { ETag = response.Headers.ETag ?? default };
    }

    /// <summary>One run, or null.</summary>
    public async Task<SandboxTestRecord?> GetAsync(string deploymentId, string testId, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        // A deployment has a handful of runs: filtering its partition is one request.
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Check(deploymentId, "deployment id")} and TestId eq {testId}");
        await foreach (TableEntity row in tables.SandboxTests.QueryAsync<TableEntity>(filter, 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return FromRow(row);
        }

        return null;
    }

    /// <summary>The runs of a deployment, newest first.</summary>
    public async Task<IReadOnlyList<SandboxTestRecord>> ListAsync(string deploymentId, int max = 100, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Check(deploymentId, "deployment id")}");
        var runs = new List<SandboxTestRecord>();
        await foreach (TableEntity row in tables.SandboxTests.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            runs.Add(FromRow(row));
            if (runs.Count == max)
            {
                break;
            }
        }

        return runs;
    }

    private static TableEntity ToRow(SandboxTestRecord r)
    {
        var row = new TableEntity(Keys.Check(r.DeploymentId, "deployment id"), $"{Keys.NewestFirst(r.CreatedAt)}:{Keys.Check(r.TestId, "test id")}")
        {
            ["TestId"] = r.TestId,
            ["TestType"] = r.TestType,
            ["Status"] = r.Status.ToString(),
            ["LogsReference"] = r.LogsReference,
            ["CreatedAt"] = r.CreatedAt,
            ["CompletedAt"] = r.CompletedAt,
        };
        LargeText.Write(row, "Metrics", r.MetricsJson);
        LargeText.Write(row, "Results", r.ResultsJson);
        return row;
    }

    private static SandboxTestRecord FromRow(TableEntity row) => new()
    {
        DeploymentId = row.PartitionKey,
        TestId = row.GetString("TestId") ?? "",
        TestType = row.GetString("TestType") ?? "",
        Status = Enum.TryParse(row.GetString("Status"), out SandboxTestStatus status) ? status : SandboxTestStatus.Running,
        LogsReference = row.GetString("LogsReference"),
        MetricsJson = LargeText.Read(row, "Metrics"),
        ResultsJson = LargeText.Read(row, "Results"),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        CompletedAt = row.GetDateTimeOffset("CompletedAt"),
        ETag = row.ETag,
    };
}
