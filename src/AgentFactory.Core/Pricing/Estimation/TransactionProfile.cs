namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>
/// Storage operations one task causes, which turn into the transaction line items. The defaults
/// are estimates of what an agent run does, not measurements; override them when a template knows better.
/// </summary>
/// <param name="Name">Shown in the estimate's assumptions.</param>
/// <param name="QueueOperationsPerTask">Queue operations per task (the task message: send, receive, delete = 3).</param>
/// <param name="TableTransactionsPerTask">Table transactions per task (state reads/writes, result row, progress events).</param>
/// <param name="BlobWritesPerTask">Blob writes per task (the run's log pushed out, outputs).</param>
/// <param name="BlobReadsPerTask">Blob reads per task (inputs, configuration).</param>
public sealed record TransactionProfile(
    string Name,
    decimal QueueOperationsPerTask,
    decimal TableTransactionsPerTask,
    decimal BlobWritesPerTask,
    decimal BlobReadsPerTask)
{
    /// <summary>
    /// 3 queue operations (send, receive, delete the task message); 4 table transactions (read state,
    /// write state, write the result row, append a progress event); 1 blob write (the run's log, since
    /// ACI keeps only 4 MB while running and 16 KB after stop); 1 blob read (inputs).
    /// </summary>
    public static TransactionProfile Default { get; } = new("default", 3m, 4m, 1m, 1m);

    /// <summary>Profiles by template category (PRODUCT-BRIEF: memory, orchestration, api, data, monitoring, custom).</summary>
    public static IReadOnlyDictionary<string, TransactionProfile> ByTemplateKind { get; } =
        new Dictionary<string, TransactionProfile>(StringComparer.OrdinalIgnoreCase)
        {
            ["api"] = Default with { Name = "api" },

            // Short- and long-term memory: several state rows read and written, a memory snapshot read.
            ["memory"] = new("memory", 3m, 10m, 1m, 2m),

            // Three sub-steps, each a queue message (send, receive, delete) plus its own; state per step.
            ["orchestration"] = new("orchestration", 12m, 8m, 1m, 1m),

            // Pipelines read inputs and write outputs as blobs.
            ["data"] = new("data", 3m, 4m, 4m, 4m),

            // A health check writes a status row and the alert state; nothing to read.
            ["monitoring"] = new("monitoring", 3m, 2m, 1m, 0m),

            ["custom"] = Default with { Name = "custom" },
        };

    /// <summary>The profile for a template category; <see cref="Default"/> for none or an unknown one.</summary>
    public static TransactionProfile ForTemplateKind(string? kind) =>
        kind is not null && ByTemplateKind.TryGetValue(kind.Trim(), out var profile) ? profile : Default;
}
