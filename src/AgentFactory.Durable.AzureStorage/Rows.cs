using System.Globalization;
using System.Text.Json;
using AgentFactory.Durable.History;
using Azure.Data.Tables;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>Row keys and the mapping between rows and engine types. Row formats are storage formats: add, never rename.</summary>
internal static class Rows
{
    /// <summary>The instance's status row; '!' sorts before history ('h') and outbox ('o') rows.</summary>
    public const string StatusKey = "!status";

    public const string OutboxPrefix = "o:";

    public static string HistoryKey(string executionId, int sequence) =>
        $"h:{executionId}:{sequence.ToString("D7", CultureInfo.InvariantCulture)}";

    public static string HistoryPrefix(string executionId) => $"h:{executionId}:";

    /// <summary>Key of outbox work for the instance itself: a property of its status row.</summary>
    public static string NewOwnOutboxKey() => "O" + Guid.NewGuid().ToString("N");

    /// <summary>Key of outbox work for another instance: a row of its own, so deleting it after the send leaves the status row's ETag alone.</summary>
    public static string NewForeignOutboxKey() => OutboxPrefix + Guid.NewGuid().ToString("N");

    public static bool IsOwnOutboxKey(string key) => key.Length == 33 && key[0] == 'O';

    /// <summary>Property holding the inline events of one episode.</summary>
    public static string InlineKey(int index) => "E" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The status row's own properties (what a status read selects).</summary>
    public static readonly string[] StatusProperties =
        ["PartitionKey", "RowKey", "Name", "ExecutionId", "Status", "CreatedAt", "LastUpdatedAt", "CompletedAt", "Input", "Output", "CustomStatus", "Failure", "Tags", "Parent",
         "Committed", "Partition"];

    public static int SequenceOf(string historyKey) => int.Parse(historyKey.AsSpan(historyKey.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);

    /// <summary>The status row; payload properties hold the value or a blob reference (see <see cref="PayloadStore"/>).</summary>
    public static TableEntity ToStatusEntity(OrchestrationMetadata s, int committed, int partition, StoredPayloads payloads) => new(s.InstanceId, StatusKey)
    {
        ["Name"] = s.Name,
        ["ExecutionId"] = s.ExecutionId,
        ["Status"] = s.RuntimeStatus.ToString(),
        ["CreatedAt"] = DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc),
        ["LastUpdatedAt"] = DateTime.SpecifyKind(s.LastUpdatedAt, DateTimeKind.Utc),
        ["CompletedAt"] = s.CompletedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : null,
        // "" stands for null: a merge skips null properties, so null could never overwrite a value.
        ["Input"] = payloads.Input ?? "",
        ["Output"] = payloads.Output ?? "",
        ["CustomStatus"] = payloads.CustomStatus ?? "",
        ["Failure"] = payloads.Failure ?? "",
        ["Tags"] = s.Tags is null ? null : JsonSerializer.Serialize(s.Tags, DataConverter.DefaultOptions),
        ["Parent"] = s.ParentInstanceId,
        ["Committed"] = committed,
        ["Partition"] = partition,
    };

    /// <summary>The status record of a status or index row, with payload properties as stored (maybe blob references).</summary>
    public static OrchestrationMetadata ToMetadata(TableEntity e) => new(e.GetString("Name") ?? "", e.PartitionKey)
    {
        ExecutionId = e.GetString("ExecutionId") ?? "",
        RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(e.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
        CreatedAt = Utc(e.GetDateTime("CreatedAt")) ?? default,
        LastUpdatedAt = Utc(e.GetDateTime("LastUpdatedAt")) ?? default,
        CompletedAt = Utc(e.GetDateTime("CompletedAt")),
        SerializedInput = NullIfEmpty(e.GetString("Input")),
        SerializedOutput = NullIfEmpty(e.GetString("Output")),
        SerializedCustomStatus = NullIfEmpty(e.GetString("CustomStatus")),
        Tags = e.GetString("Tags") is { } tags ? JsonSerializer.Deserialize<Dictionary<string, string>>(tags, DataConverter.DefaultOptions) : null,
        ParentInstanceId = e.GetString("Parent"),
    };

    /// <summary>
    /// The index row: what queries filter on, without payloads. Keyed by creation time (PK = day,
    /// RK = ticks|id) so that listings come back oldest first, page after page, as the engine's contract says.
    /// </summary>
    public static TableEntity ToIndexEntity(OrchestrationMetadata s) => new(IndexPartition(s.CreatedAt), IndexKey(s.CreatedAt, s.InstanceId))
    {
        ["InstanceId"] = s.InstanceId,
        ["Name"] = s.Name,
        ["NameLower"] = s.Name.ToLowerInvariant(),
        ["ExecutionId"] = s.ExecutionId,
        ["Status"] = s.RuntimeStatus.ToString(),
        ["CreatedAt"] = DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc),
        ["LastUpdatedAt"] = DateTime.SpecifyKind(s.LastUpdatedAt, DateTimeKind.Utc),
        ["CompletedAt"] = s.CompletedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : null,
        ["Tags"] = s.Tags is null ? null : JsonSerializer.Serialize(s.Tags, DataConverter.DefaultOptions),
        ["Parent"] = s.ParentInstanceId,
    };

    public static string IndexPartition(DateTime createdAt) => createdAt.ToUniversalTime().ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string IndexKey(DateTime createdAt, string instanceId) =>
        createdAt.ToUniversalTime().Ticks.ToString("D19", CultureInfo.InvariantCulture) + "|" + instanceId;

    /// <summary>The status record of an index row (no payloads).</summary>
    public static OrchestrationMetadata FromIndex(TableEntity e) => ToMetadata(e) with { InstanceId = e.GetString("InstanceId") ?? "" };

    public static TableEntity ToHistoryEntity(string instanceId, string executionId, HistoryEvent e, string storedJson) =>
        new(instanceId, HistoryKey(executionId, e.EventId)) { ["Event"] = storedJson };

    public static HistoryEvent ToHistoryEvent(string json) =>
        JsonSerializer.Deserialize<HistoryEvent>(json, DataConverter.DefaultOptions) ?? throw new JsonException("Empty history row.");

    public static string Serialize(HistoryEvent e) => JsonSerializer.Serialize(e, DataConverter.DefaultOptions);

    public static TableEntity ToOutboxEntity(string instanceId, string key, string storedEnvelope, int partition, DateTime createdAt) =>
        new(instanceId, key) { ["Envelope"] = storedEnvelope, ["Partition"] = partition, ["CreatedAt"] = createdAt };

    /// <summary>Approximate request size of an entity, for the 4 MiB transaction limit.</summary>
    public static long SizeOf(TableEntity e) =>
        256 + e.Sum(p => 64L + p.Key.Length * 2 + (p.Value is string s ? s.Length * 2L : 16));

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
}

/// <summary>Payload properties of a status row as stored (inline or blob references).</summary>
internal sealed record StoredPayloads(string? Input, string? Output, string? CustomStatus, string? Failure);
