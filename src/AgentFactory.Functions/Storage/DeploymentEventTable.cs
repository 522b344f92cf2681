using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// One entry of a deployment's progress log. <see cref="DataJson"/> is the machine-readable detail (an activity's
/// result, the resources a step touched); it never holds a secret value.
/// </summary>
public sealed record DeploymentEvent
{
    public required string DeploymentId { get; init; }

    /// <summary>1, 2, 3 … in the order the orchestration produced them; the cursor of <c>?after=N</c>.</summary>
    public required long Sequence { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>What happened, e.g. <c>StepStarted</c>, <c>ValidationFailed</c>, <c>ResourceProvisioned</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The wizard step (1–6) the deployment was at.</summary>
    public int Step { get; init; }

    public string? StepName { get; init; }

    /// <summary>0–100.</summary>
    public int Progress { get; init; }

    /// <summary>For people: what happened, in a sentence.</summary>
    public string Message { get; init; } = "";

    public string? DataJson { get; init; }
}

/// <summary>
/// Told about every event once it is in the log (live progress: the local hub, Web PubSub, the WebSocket route).
/// <see cref="Appended"/> must return at once and never throw: it hands the event to queues and returns.
/// </summary>
public interface IDeploymentEventObserver
{
    void Appended(DeploymentEvent e);
}

/// <summary>
/// The <c>DeploymentEvents</c> table: PartitionKey = deployment id, RowKey = the sequence number zero-padded to 19 digits,
/// so a deployment's log reads in order with one range query, and a client that reconnects catches up from its last
/// sequence (<see cref="ListAsync"/> with <c>after</c>). Appending is an insert: a retried activity that appends the
/// same sequence again gets 409 and changes nothing, which is what makes publishing idempotent.
/// </summary>
public sealed class DeploymentEventTable
{
    private readonly OnceCreatedTable _table;
    private readonly IDeploymentEventObserver? _observer;

    /// <summary>The table <c>{tablePrefix}DeploymentEvents</c> on <paramref name="service"/>'s account.</summary>
    public DeploymentEventTable(TableServiceClient service, string tablePrefix = "", IDeploymentEventObserver? observer = null)
    {
        _table = new OnceCreatedTable(service, tablePrefix + "DeploymentEvents");
        _observer = observer;
    }

    public TableClient Table => _table.Client;

    /// <summary>Creates the table once per process (idempotent).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _table.EnsureCreatedAsync(cancellationToken);

    /// <summary>Appends <paramref name="e"/>; false when an event with its sequence was already there (nothing changed).</summary>
    public async Task<bool> AppendAsync(DeploymentEvent e, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(e.Sequence, 1);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Table.AddEntityAsync(ToRow(e), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Tells the live-progress observer about <paramref name="e"/>, an event that is in the log (appended now or found
    /// there by a re-run: announcing twice is harmless, receivers keep the last sequence they have). Never throws and
    /// never waits, so a publishing problem can neither fail nor slow an activity.
    /// </summary>
    public void Announce(DeploymentEvent e)
    {
        try
        {
            _observer?.Appended(e);
        }
        catch (Exception)
        {
            // The log has the event; live clients catch up from it (GET …/events?after=N).
        }
    }

    /// <summary>The event with sequence <paramref name="sequence"/>, or null.</summary>
    public async Task<DeploymentEvent?> GetAsync(string deploymentId, long sequence, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(Keys.Check(deploymentId, "deployment id"),
            SequenceKey(sequence), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Up to <paramref name="max"/> events with a sequence greater than <paramref name="after"/>, in order.</summary>
    public async Task<IReadOnlyList<DeploymentEvent>> ListAsync(string deploymentId, long after = 0, int max = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 1000);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Keys.Check(deploymentId, "deployment id")} and RowKey gt {SequenceKey(after)}");
        var events = new List<DeploymentEvent>(Math.Min(max, 100));
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            events.Add(FromRow(row));
            if (events.Count == max)
            {
                break;
            }
        }

        return events;
    }

    // 19 digits hold any long, so the string order is the numeric order.
    private static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static TableEntity ToRow(DeploymentEvent e)
    {
        var row = new TableEntity(Keys.Check(e.DeploymentId, "deployment id"), SequenceKey(e.Sequence))
        {
            ["Sequence"] = e.Sequence,
            ["Time"] = e.Time,
            ["Type"] = e.Type,
            ["Step"] = e.Step,
            ["StepName"] = e.StepName,
            ["Progress"] = e.Progress,
            ["Message"] = e.Message,
        };
        LargeText.Write(row, "Data", e.DataJson);
        return row;
    }

    private static DeploymentEvent FromRow(TableEntity row) => new()
    {
        DeploymentId = row.PartitionKey,
        Sequence = row.GetInt64("Sequence") ?? long.Parse(row.RowKey, CultureInfo.InvariantCulture),
        Time = row.GetDateTimeOffset("Time") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        Type = row.GetString("Type") ?? "",
        Step = row.GetInt32("Step") ?? 0,
        StepName = row.GetString("StepName"),
        Progress = row.GetInt32("Progress") ?? 0,
        Message = row.GetString("Message") ?? "",
        DataJson = LargeText.Read(row, "Data"),
    };
}
