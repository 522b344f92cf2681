using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Provisioning;

/// <summary>Settings of provisioning (section <c>AgentFactory:Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:Provisioning";

    /// <summary>
    /// The agents' storage account, in the convention of the factory's own (<c>AzureWebJobsStorage</c>): a connection
    /// string, or <c>:accountName</c> with <c>:credential</c>, <c>:clientId</c> (the app's identity) and optional service
    /// URIs. Unset: the factory's own account. A separate account keeps agents' identity away from the engine's task hub
    /// and the factory's tables (docs/STORAGE-SCHEMA.md, "Which account holds what").
    /// </summary>
    public const string StorageSetting = "AgentFactory:Provisioning:Storage";

    /// <summary>
    /// Where the agent program finds its (redacted) configuration inside the container: a file of the spec
    /// (<see cref="ContainerSpec.Files"/>), so in a directory of its own below the work directory, which Container
    /// Instances mounts read-only.
    /// </summary>
    public const string ConfigurationPath = ContainerSpec.WorkPath + "/config/config.json";

    /// <summary>
    /// The argv that runs the agent program, e.g. <c>["/usr/bin/dotnet", "/opt/agent/AgentFactory.AgentRuntime.dll",
    /// "service", "--config", "/work/config/config.json"]</c>. The program also finds the config path in <c>AGENT_CONFIG</c>.
    /// </summary>
    public IList<string> AgentCommand { get; } = [];

    /// <summary>The image (Container Instances); the local runtime ignores it.</summary>
    public string? AgentImage { get; set; }

    /// <summary>Host directories shown read-only in every agent container, e.g. the agent program's directory.</summary>
    public IList<ContainerMount> AgentMounts { get; } = [];

    /// <summary>
    /// The storage connection the agent program serves its queue with (<c>AGENT_STORAGE</c>, passed as a secret; the
    /// container then gets network access). Locally the connection string of the agents' account (<see cref="StorageSetting"/>,
    /// by default the factory's own Azurite). Wins over
    /// <see cref="AgentIdentityClientId"/>. When both are null the agent gets the names and endpoints only.
    /// </summary>
    public string? AgentStorageConnection { get; set; }

    /// <summary>
    /// Client id of the user-assigned managed identity the agents' container groups run as (the identity of
    /// <c>AgentFactory:Containers:Aci:GroupIdentityResourceId</c>), holding queue and table data roles on the agents'
    /// account. Used when there is no <see cref="AgentStorageConnection"/> (identity-based storage, Azure): agents get
    /// <c>AGENT_STORAGE_ACCOUNT</c>, the service endpoints and <c>AGENT_STORAGE_CLIENT_ID</c>, and no secret.
    /// </summary>
    public string? AgentIdentityClientId { get; set; }

    /// <summary>True when agents are given a way to reach storage: a connection string or the identity's client id.</summary>
    internal bool AgentsReachStorage => AgentStorageConnection is { Length: > 0 } || AgentIdentityClientId is { Length: > 0 };

    /// <summary>The factory's queue for alerts, used unless an agent's configuration names a webhook.</summary>
    public string AlertQueueName { get; set; } = "agent-alerts";

    /// <summary>Consecutive failed checks that raise an alert, unless a monitoring agent's thresholds say otherwise.</summary>
    public int DefaultFailureThreshold { get; set; } = 3;

    /// <summary>What is wrong with these options, or null.</summary>
    internal string? Problem() =>
        AgentCommand.Count == 0 || string.IsNullOrEmpty(AgentCommand[0]) ? "AgentCommand needs at least the executable that runs the agent program."
        : DefaultFailureThreshold < 1 ? "DefaultFailureThreshold must be at least 1."
        : !ContainerSpec.IsValidName(AlertQueueName) || AlertQueueName.Length < 3 ? $"AlertQueueName '{AlertQueueName}' is not a valid queue name (3-63 lowercase letters, digits, single hyphens)."
        : null;
}
