namespace AgentFactory.Durable;

/// <summary>A filter over instances; every condition that is set must hold.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Largest page the backends return.</summary>
    public const int MaxPageSize = 1000;

    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Created at or after (inclusive).</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Created before (exclusive).</summary>
    public DateTime? CreatedTo { get; init; }

    public string? InstanceIdPrefix { get; init; }

    /// <summary>Orchestrator name (case-insensitive).</summary>
    public string? Name { get; init; }

    /// <summary>Instances per page, 1 to <see cref="MaxPageSize"/>.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>From the previous page; null for the first.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Include input, output and custom status.</summary>
    public bool FetchInputsAndOutputs { get; init; }

    /// <summary>True when <paramref name="instance"/> passes the filter (paging aside).</summary>
    public bool Matches(OrchestrationMetadata instance) =>
        (Statuses is null || Statuses.Count == 0 || Statuses.Contains(instance.RuntimeStatus))
        && (CreatedFrom is null || instance.CreatedAt >= CreatedFrom)
        && (CreatedTo is null || instance.CreatedAt < CreatedTo)
        && (InstanceIdPrefix is null || instance.InstanceId.StartsWith(InstanceIdPrefix, StringComparison.Ordinal))
        && (Name is null || string.Equals(instance.Name, Name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when the query cannot be run.</summary>
    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, $"PageSize must be between 1 and {MaxPageSize}.");
        }

        if (CreatedFrom is { } from && CreatedTo is { } to && from > to)
        {
            throw new ArgumentException("CreatedFrom must not be later than CreatedTo.", nameof(CreatedFrom));
        }
    }
}

/// <summary>One page of a query.</summary>
public sealed record OrchestrationQueryResult(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);

/// <summary>Which terminal instances a bulk purge removes.</summary>
public sealed record PurgeInstancesFilter(DateTime? CreatedFrom = null, DateTime? CreatedTo = null,
    IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>How many instances a purge removed.</summary>
public sealed record PurgeResult(int PurgedInstanceCount);

/// <summary>Options for starting an instance.</summary>
public sealed record StartOrchestrationOptions
{
    /// <summary>The instance id; a new GUID when null.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Do not start before this time (UTC).</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Tags stored with the instance (for example the tenant).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
