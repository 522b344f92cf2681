namespace AgentFactory.Functions.Containers.Azure;

/// <summary>Where and how agents run in Azure Container Instances (section <c>AgentFactory:Containers:Aci</c>).</summary>
public sealed class ContainerInstancesOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:Containers:Aci";

    /// <summary>
    /// The ARM api-version every request names. Pinned: request and response shapes are written against the
    /// 2023-05-01 spec (AZURE-CONTRACTS.md §3); a newer version is adopted on purpose, with its contract tests.
    /// </summary>
    public const string ApiVersion = "2023-05-01";

    /// <summary>The Azure subscription of the agents' resource group.</summary>
    public string? SubscriptionId { get; set; }

    /// <summary>The resource group container groups are created in (the app's identity may manage groups there only).</summary>
    public string? ResourceGroup { get; set; }

    /// <summary>The region of the container groups, e.g. <c>westeurope</c>; also the region whose usage the availability check reads.</summary>
    public string? Location { get; set; }

    /// <summary>Azure Resource Manager; a local stub in tests, another cloud's endpoint in a sovereign cloud.</summary>
    public Uri Endpoint { get; set; } = new("https://management.azure.com");

    /// <summary>The token audience for <see cref="Endpoint"/>.</summary>
    public string Scope { get; set; } = "https://management.azure.com/.default";

    /// <summary>The client id of the user-assigned identity to sign in with; empty uses DefaultAzureCredential's choice.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>What Container Instances does when the agent program exits: <c>Always</c>, <c>OnFailure</c> (default) or <c>Never</c>.</summary>
    public string RestartPolicy { get; set; } = "OnFailure";

    /// <summary>Resource id of a user-assigned identity given to every container group (e.g. to pull from a registry or reach storage).</summary>
    public string? GroupIdentityResourceId { get; set; }

    /// <summary>A private registry (e.g. <c>myacr.azurecr.io</c>) pulled from with <see cref="GroupIdentityResourceId"/>.</summary>
    public string? RegistryServer { get; set; }

    /// <summary>How often to poll an operation or a state when the service gives no <c>Retry-After</c>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an operation may run before the runtime gives up (provisioning itself fails after 30 minutes).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many throttled (429) answers in a row are waited out before a request fails.</summary>
    public int MaxThrottledRetries { get; set; } = 5;

    /// <summary>What is missing or wrong, naming the setting; null when the options can work.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(SubscriptionId) ? $"{Section}:SubscriptionId is required with the AzureContainerInstances provider."
        : string.IsNullOrWhiteSpace(ResourceGroup) ? $"{Section}:ResourceGroup is required with the AzureContainerInstances provider."
        : string.IsNullOrWhiteSpace(Location) ? $"{Section}:Location is required with the AzureContainerInstances provider (e.g. westeurope)."
        : RestartPolicy is not ("Always" or "OnFailure" or "Never") ? $"{Section}:RestartPolicy '{RestartPolicy}' must be Always, OnFailure or Never."
        : PollInterval <= TimeSpan.Zero || OperationTimeout <= TimeSpan.Zero ? $"{Section}:PollInterval and OperationTimeout must be positive."
        : MaxThrottledRetries < 0 ? $"{Section}:MaxThrottledRetries must be 0 or more."
        : null;

    /// <summary>The resource group's path below the ARM endpoint.</summary>
    internal string ResourceGroupPath => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}";
}
