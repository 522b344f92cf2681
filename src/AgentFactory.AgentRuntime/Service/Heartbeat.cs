using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>The service's counters, shared by the workers.</summary>
internal sealed class ServiceCounters
{
    private long processed;
    private long failed;
    private long poisoned;

    public long Processed => Interlocked.Read(ref processed);

    public long Failed => Interlocked.Read(ref failed);

    public long Poisoned => Interlocked.Read(ref poisoned);

    public void Completed(bool ok)
    {
        Interlocked.Increment(ref processed);
        if (!ok)
        {
            Interlocked.Increment(ref failed);
        }
    }

    public void Poison() => Interlocked.Increment(ref poisoned);
}

/// <summary>What the heartbeat says.</summary>
internal sealed record HeartbeatRecord(string Agent, string Status, int ProcessId, DateTimeOffset StartedAt, DateTimeOffset At, long Processed, long Failed, long Poisoned);

/// <summary>
/// The service's health signal, every interval: <c>heartbeat.json</c> in the state directory (read by the
/// <c>health</c> command, an exec liveness probe) and a row in the <c>agentheartbeats</c> table (PartitionKey = agent,
/// RowKey = "heartbeat"), which the factory reads to see a deployed agent alive without reaching into its container.
/// </summary>
internal sealed class Heartbeat(string file, TableClient? table, string agent, ServiceCounters counters, TimeProvider time, ILogger logger)
{
    public const string FileName = "heartbeat.json";
    private readonly DateTimeOffset startedAt = time.GetUtcNow();
    private bool tableCreated;

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await BeatAsync("running", cancellationToken);
            try
            {
                await Task.Delay(interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Writes one heartbeat; failures are logged, never thrown (a missed beat must not stop the agent).</summary>
    public async Task BeatAsync(string status, CancellationToken cancellationToken)
    {
        var record = new HeartbeatRecord(agent, status, Environment.ProcessId, startedAt, time.GetUtcNow(), counters.Processed, counters.Failed, counters.Poisoned);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temporary = file + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(record, RuntimeJson.Options), cancellationToken);
            File.Move(temporary, file, overwrite: true);
            if (table is not null)
            {
                if (!tableCreated)
                {
                    await table.CreateIfNotExistsAsync(cancellationToken);
                    tableCreated = true;
                }

                await table.UpsertEntityAsync(new TableEntity(agent, "heartbeat")
                {
                    ["Status"] = status,
                    ["ProcessId"] = record.ProcessId,
                    ["StartedAt"] = startedAt,
                    ["At"] = record.At,
                    ["Processed"] = record.Processed,
                    ["Failed"] = record.Failed,
                    ["Poisoned"] = record.Poisoned,
                }, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.HeartbeatFailed(logger, e);
        }
    }

    /// <summary>
    /// The <c>health</c> command: 0 when the heartbeat file says running and is younger than <paramref name="maxAge"/>,
    /// 1 otherwise; the heartbeat (or the problem) is printed as JSON.
    /// </summary>
    public static int Check(string file, TimeSpan maxAge, TimeProvider time, TextWriter output)
    {
        HeartbeatRecord? record = null;
        try
        {
            record = File.Exists(file) ? JsonSerializer.Deserialize<HeartbeatRecord>(File.ReadAllText(file), RuntimeJson.Options) : null;
        }
        catch (JsonException)
        {
            // An unreadable heartbeat is an unhealthy one; reported below.
        }

        var age = record is null ? (TimeSpan?)null : time.GetUtcNow() - record.At;
        var healthy = record is { Status: "running" } && age <= maxAge;
        output.WriteLine(JsonSerializer.Serialize(new { healthy, heartbeat = record, ageSeconds = age?.TotalSeconds, file }, RuntimeJson.Options));
        return healthy ? 0 : 1;
    }
}
