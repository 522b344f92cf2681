using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

/// <summary>
/// What a cost estimate needs to know about an agent. The configuration model maps onto this;
/// defaults are documented in docs/PRICING.md.
/// </summary>
public sealed record CostInputs
{
    /// <summary>ACI bills a run from image pull to stop; ANCHORS measures cold starts at 20–60 s for small images.</summary>
    public static readonly TimeSpan DefaultStartupOverhead = TimeSpan.FromSeconds(30);

    /// <summary>An idle always-on agent backs off to one queue poll per 30 s (as Durable Functions' maxQueuePollingInterval).</summary>
    public static readonly TimeSpan DefaultIdlePollInterval = TimeSpan.FromSeconds(30);

    /// <summary>ARM region ("eastus") or display name ("East US"); must have a price sheet.</summary>
    public required string Region { get; init; }

    /// <summary>vCPUs of the container group (the wizard offers 0.5, 1, 2, 4; ACI Linux allows up to 4).</summary>
    public required decimal VCpu { get; init; }

    /// <summary>Memory of the container group in GB (the wizard offers 0.5, 1, 2, 4; ACI Linux allows up to 16).</summary>
    public required decimal MemoryGb { get; init; }

    /// <summary>Storage in GB (the wizard offers 1, 5, 10, 20), billed as Blob Hot LRS.</summary>
    public decimal StorageGb { get; init; }

    /// <summary>Always on, or a run per task.</summary>
    public required ExecutionMode Mode { get; init; }

    /// <summary>Expected tasks per day: on demand, the number of runs; in both modes, the storage transactions.</summary>
    public decimal TasksPerDay { get; init; }

    /// <summary>Average task duration; required on demand.</summary>
    public TimeSpan AverageTaskDuration { get; init; }

    /// <summary>Billed start-up time added to every on-demand and sandbox run.</summary>
    public TimeSpan StartupOverheadPerRun { get; init; } = DefaultStartupOverhead;

    /// <summary>Always on: how often an idle agent polls its queue (each poll is a queue operation).</summary>
    public TimeSpan IdlePollInterval { get; init; } = DefaultIdlePollInterval;

    /// <summary>Template category (memory, orchestration, api, data, monitoring, custom); picks the transaction profile.</summary>
    public string? TemplateKind { get; init; }

    /// <summary>Storage operations per task; null picks <see cref="TransactionProfile.ForTemplateKind"/>.</summary>
    public TransactionProfile? Transactions { get; init; }

    /// <summary>GB of agent state kept in Table storage (besides <see cref="StorageGb"/>); usually tiny.</summary>
    public decimal TableDataGb { get; init; }

    /// <summary>Expected internet egress per month in GB.</summary>
    public decimal EgressGbPerMonth { get; init; }

    /// <summary>
    /// Whether the free egress allowance (100 GB a month) counts for this agent. It is per billing
    /// account, so set false when other resources already use it.
    /// </summary>
    public bool ApplyFreeEgressAllowance { get; init; } = true;

    /// <summary>Sandbox runs before deployment (one-off).</summary>
    public SandboxPlan Sandbox { get; init; } = SandboxPlan.None;

    /// <summary>The transaction profile the estimate uses.</summary>
    public TransactionProfile EffectiveTransactions => Transactions ?? TransactionProfile.ForTemplateKind(TemplateKind);

    /// <summary>An always-on agent of the given size.</summary>
    public static CostInputs AlwaysOn(string region, decimal vCpu, decimal memoryGb, decimal storageGb) => new()
    {
        Region = region,
        VCpu = vCpu,
        MemoryGb = memoryGb,
        StorageGb = storageGb,
        Mode = ExecutionMode.AlwaysOn,
    };

    /// <summary>An on-demand agent of the given size and workload.</summary>
    public static CostInputs OnDemand(string region, decimal vCpu, decimal memoryGb, decimal storageGb, decimal tasksPerDay, TimeSpan averageTaskDuration) => new()
    {
        Region = region,
        VCpu = vCpu,
        MemoryGb = memoryGb,
        StorageGb = storageGb,
        Mode = ExecutionMode.OnDemand,
        TasksPerDay = tasksPerDay,
        AverageTaskDuration = averageTaskDuration,
    };
}
