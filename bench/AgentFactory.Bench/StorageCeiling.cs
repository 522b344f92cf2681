using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace AgentFactory.Bench;

/// <summary>One measured storage operation at one concurrency.</summary>
internal sealed record CeilingRow(string Operation, int Concurrency, double PerSecond, string Unit, double? AzuriteCpuShare, double ClientCpuMsPerOp);

/// <summary>The storage's own rates, measured in the same run, so the engine's figures can be read as a fraction of them.</summary>
internal sealed record CeilingReport(IReadOnlyList<CeilingRow> Rows)
{
    public double Rate(string operation, int concurrency) =>
        Rows.FirstOrDefault(r => r.Operation == operation && r.Concurrency == concurrency)?.PerSecond ?? double.NaN;

    /// <summary>The fastest rate over the concurrencies tried.</summary>
    public double Best(string operation) => Rows.Where(r => r.Operation == operation).Select(r => r.PerSecond).DefaultIfEmpty(double.NaN).Max();
}

/// <summary>
/// Azurite's ceiling, with plain SDK clients (no engine): single-entity table upserts and ETag-guarded merges of
/// a status-row-sized entity (≈ 1.3 KB, as one engine commit), point queries (as a status read), queue sends of an
/// envelope-sized message, and receive (32 per call) + delete of each. Each cell: 0.2 s warm-up, 1.2 s measured.
/// </summary>
internal static class StorageCeiling
{
    public const string Upsert = "table upsert (1 entity)";
    public const string Merge = "table merge, If-Match (1 entity)";
    public const string PointQuery = "table point query (PK+RK filter)";
    public const string PointRead = "table point read (GET entity)";
    public const string Send = "queue send";
    public const string ReceiveDelete = "queue receive 32 + delete each";

    public static string ReceiveDeleteAt(int depth) => depth == 0 ? ReceiveDelete : $"{ReceiveDelete}, {depth:N0} more queued";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1.2);
    private static readonly string Payload = new('x', 600);
    private static readonly string Message = "{\"Message\":{\"InstanceId\":\"hs5-0001\",\"Event\":{\"$type\":\"TaskCompleted\",\"TaskScheduledId\":3,\"Result\":\"\\u0022Hello London!\\u0022\"}},\"OutboxKey\":\"O" + new string('a', 32) + "\"," + "\"Pad\":\"" + new string('p', 200) + "\"}";

    public static async Task<CeilingReport> RunAsync(StorageEnvironment storage)
    {
        Console.WriteLine();
        Console.WriteLine("== storage ceiling: the emulator alone, plain SDK clients, same machine, same moment ==");
        string name = StorageEnvironment.NewHubName("ceil");
        var table = new TableClient(storage.ConnectionString, name);
        var queue = new QueueClient(storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await table.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        var rows = new List<CeilingRow>();
        try
        {
            // Prepared rows: one per worker for merges, and the rows read by point queries.
            var etags = new ETag[16];
            for (int w = 0; w < 16; w++)
            {
                etags[w] = (await table.UpsertEntityAsync(StatusRow(w, 0), TableUpdateMode.Replace)).Headers.ETag!.Value;
            }

            foreach (int c in new[] { 1, 4, 16 })
            {
                rows.Add(await MeasureAsync(storage, Upsert, c, "requests/s", async (w, i) =>
                {
                    await table.UpsertEntityAsync(StatusRow(100 + w, i % 50), TableUpdateMode.Replace);
                    return 1;
                }));
            }

            foreach (int c in new[] { 1, 4, 16 })
            {
                rows.Add(await MeasureAsync(storage, Merge, c, "requests/s", async (w, i) =>
                {
                    var entity = new TableEntity("inst-" + w, "!status")
                    {
                        // A few episode properties in turn: the entity stays status-row sized (≈ 2–4 KB) instead of growing.
                        ["E" + (i % 4).ToString("D3", System.Globalization.CultureInfo.InvariantCulture)] = Payload,
                        ["LastUpdatedAt"] = DateTime.UtcNow,
                        ["Committed"] = i,
                    };
                    etags[w] = (await table.UpdateEntityAsync(entity, etags[w], TableUpdateMode.Merge)).Headers.ETag!.Value;
                    return 1;
                }));
            }

            foreach (int c in new[] { 4 })
            {
                rows.Add(await MeasureAsync(storage, PointQuery, c, "requests/s", async (w, i) =>
                {
                    string filter = TableClient.CreateQueryFilter($"PartitionKey eq {"inst-" + (100 + (w + i) % 16)} and RowKey eq {"r" + (1 + i % 49)}");
                    await foreach (TableEntity _ in table.QueryAsync<TableEntity>(filter, 1))
                    {
                        break;
                    }

                    return 1;
                }));
            }

            foreach (int c in new[] { 4 })
            {
                rows.Add(await MeasureAsync(storage, PointRead, c, "requests/s", async (w, i) =>
                {
                    await table.GetEntityIfExistsAsync<TableEntity>("inst-" + (100 + (w + i) % 16), "r" + (1 + i % 49));
                    return 1;
                }));
            }

            foreach (int c in new[] { 1, 4, 16 })
            {
                rows.Add(await MeasureAsync(storage, Send, c, "requests/s", async (_, _) =>
                {
                    await queue.SendMessageAsync(Message);
                    return 1;
                }));
            }

            // Azurite's receive and delete cost grows with the number of messages held by its queue service (all queues,
            // visible or not): empty the send test's queue first, then measure with 0 and 1,000 others waiting.
            await queue.DeleteIfExistsAsync();
            foreach ((int c, int depth) in new[] { (1, 0), (4, 0), (1, 1000) })
            {
                rows.Add(await ReceiveDeleteAsync(storage, c, depth));
            }
        }
        finally
        {
            await table.DeleteAsync();
            await queue.DeleteIfExistsAsync();
        }

        var print = new Table("operation", "concurrent", "rate", "unit", "ms each", "Azurite CPU", "Azurite CPU ms/op", "client CPU ms/op");
        foreach (CeilingRow r in rows)
        {
            print.Add(r.Operation, Fmt.N(r.Concurrency), Fmt.N(r.PerSecond), r.Unit,
                r.Unit == "requests/s" ? Fmt.N(r.Concurrency / r.PerSecond * 1000, 2) : "—",
                r.AzuriteCpuShare is { } share ? Fmt.Pct(share * 100) + " of a core" : "—",
                r.AzuriteCpuShare is { } s ? Fmt.N(s / r.PerSecond * 1000, 2) : "—",
                Fmt.N(r.ClientCpuMsPerOp, 2));
        }

        print.Print();
        Console.WriteLine("  ms each = concurrent ÷ rate (the time one request takes under that load); merges and upserts write ≈ 1.3 KB entities;");
        Console.WriteLine("  CPU ms/op: per request (per message for receive + delete), Azurite's and this .NET client's (Azure SDK + HTTP) CPU time;");
        Console.WriteLine("  receive + delete: one receive of up to 32, then the deletes of that batch at once; Azurite runs JavaScript on one core,");
        Console.WriteLine("  so near 100 % of a core it is saturated whatever the concurrency (the client's CPU shares the same 2 cores)");
        return new CeilingReport(rows);
    }

    private static TableEntity StatusRow(int worker, int row) => new("inst-" + worker, row == 0 ? "!status" : "r" + row)
    {
        ["Name"] = Workloads.HelloSequence5,
        ["ExecutionId"] = "0123456789abcdef0123456789abcdef",
        ["Status"] = "Running",
        ["CreatedAt"] = DateTime.UtcNow,
        ["LastUpdatedAt"] = DateTime.UtcNow,
        ["Input"] = "",
        ["Output"] = "",
        ["CustomStatus"] = "",
        ["Committed"] = 4,
        ["Partition"] = worker % 4,
        ["E000"] = Payload,
        ["O" + new string('a', 32)] = Payload[..400],
    };

    private static TimeSpan SelfCpu()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>
    /// Drains 400 messages (one receive of up to 32, then the deletes of that batch at once, per consumer) from a fresh
    /// queue that holds <paramref name="depth"/> more messages behind them (sent first, never received: visibility delayed).
    /// </summary>
    private static async Task<CeilingRow> ReceiveDeleteAsync(StorageEnvironment storage, int concurrency, int depth)
    {
        const int drained = 400;
        string name = StorageEnvironment.NewHubName("rcv");
        var queue = new QueueClient(storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await queue.CreateIfNotExistsAsync();
        try
        {
            await Parallelism.ForEachAsync(Enumerable.Range(0, depth), 16, _ => queue.SendMessageAsync(Message, visibilityTimeout: TimeSpan.FromHours(1)));
            await Parallelism.ForEachAsync(Enumerable.Range(0, drained), 16, _ => queue.SendMessageAsync(Message));
            long left = drained;
            TimeSpan? cpuBefore = storage.AzuriteCpu();
            TimeSpan selfBefore = SelfCpu();
            long start = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Read(ref left) > 0)
                {
                    QueueMessage[] received = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                    await Task.WhenAll(received.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt)));
                    Interlocked.Add(ref left, -received.Length);
                }
            })));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            TimeSpan? cpuAfter = storage.AzuriteCpu();
            double? share = cpuBefore is { } b && cpuAfter is { } a ? (a - b).TotalSeconds / seconds : null;
            return new CeilingRow(ReceiveDeleteAt(depth), concurrency, drained / seconds, "msgs/s", share, (SelfCpu() - selfBefore).TotalMilliseconds / drained);
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
        }
    }

    /// <summary>Runs <paramref name="op"/> in <paramref name="concurrency"/> loops; counts what completes in the measured window.</summary>
    private static async Task<CeilingRow> MeasureAsync(StorageEnvironment storage, string operation, int concurrency, string unit, Func<int, int, Task<int>> op)
    {
        long counted = 0;
        bool counting = false;
        using var stop = new CancellationTokenSource();
        Task[] loops = [.. Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                int n = await op(w, i++);
                if (Volatile.Read(ref counting))
                {
                    Interlocked.Add(ref counted, n);
                }
            }
        }))];
        await Task.Delay(WarmUp);
        TimeSpan? cpuBefore = storage.AzuriteCpu();
        TimeSpan selfBefore = SelfCpu();
        Volatile.Write(ref counting, true);
        long start = Stopwatch.GetTimestamp();
        await Task.Delay(Duration);
        Volatile.Write(ref counting, false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long done = Interlocked.Read(ref counted);
        TimeSpan? cpuAfter = storage.AzuriteCpu();
        double selfMs = (SelfCpu() - selfBefore).TotalMilliseconds;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        double? share = cpuBefore is { } b && cpuAfter is { } a ? (a - b).TotalSeconds / seconds : null;
        return new CeilingRow(operation, concurrency, done / seconds, unit, share, selfMs / Math.Max(1, done));
    }
}
