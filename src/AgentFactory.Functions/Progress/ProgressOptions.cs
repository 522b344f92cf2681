using AgentFactory.Functions.Progress.WebPubSub;

namespace AgentFactory.Functions.Progress;

/// <summary>Where live progress goes: the app's own hub, or Azure Web PubSub.</summary>
public enum ProgressProvider
{
    Local,
    WebPubSub,
}

/// <summary>Settings of live progress (<c>AgentFactory:Progress</c>).</summary>
public sealed class ProgressOptions
{
    public const string Section = "AgentFactory:Progress";

    /// <summary>The hub used when none is configured (Azure hub names allow letters, digits and <c>_`,.[]</c>).</summary>
    public const string DefaultHub = "agentfactory";

    /// <summary><c>Local</c> (default): the hub inside the app; <c>WebPubSub</c>: Azure Web PubSub.</summary>
    public ProgressProvider Provider { get; set; } = ProgressProvider.Local;

    public WebPubSubSettings WebPubSub { get; set; } = new();

    public LocalHubSettings Local { get; set; } = new();

    /// <summary>Lifetime of a negotiated client token (Web PubSub's default is 60 minutes).</summary>
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Events waiting to be sent to Web PubSub; beyond this the oldest are dropped (clients catch up from the log).</summary>
    public int PublishQueueCapacity { get; set; } = 10_000;

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem()
    {
        if (Provider == ProgressProvider.WebPubSub && !WebPubSub.TryResolve(out _, out _, out string? why))
        {
            return why;
        }

        if (!WebPubSubServiceClient.IsValidHub(WebPubSub.Hub))
        {
            return $"{Section}:WebPubSub:Hub must start with a letter and hold at most 128 letters, digits and _`,.[] characters.";
        }

        if (Local.AccessKey is { Length: > 0 and < 32 })
        {
            return $"{Section}:Local:AccessKey must be at least 32 characters.";
        }

        return ClientTokenLifetime <= TimeSpan.Zero || PublishQueueCapacity < 1
            ? $"{Section}: ClientTokenLifetime and PublishQueueCapacity must be positive."
            : null;
    }
}

/// <summary>Azure Web PubSub (<c>AgentFactory:Progress:WebPubSub</c>).</summary>
public sealed class WebPubSubSettings
{
    /// <summary>
    /// <c>Endpoint=https://…;AccessKey=…;Version=1.0;</c> — a secret: on Azure a Key Vault reference; or the identity
    /// form <c>Endpoint=https://…;AuthType=azure.msi;[ClientId=…;]Version=1.0;</c>, which holds none. Unset when
    /// <see cref="Endpoint"/> is.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// <c>https://name.webpubsub.azure.com</c>: the app signs in with its identity (Microsoft Entra tokens for the REST
    /// calls, clients' tokens from the service's <c>:generateToken</c>) instead of using an access key.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>With <see cref="Endpoint"/>: <c>managedidentity</c>, or unset for <c>DefaultAzureCredential</c> (as the storage settings).</summary>
    public string? Credential { get; set; }

    /// <summary>With <see cref="Endpoint"/>: the client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>The hub, for both providers (the local hub serves <c>/client/hubs/{Hub}</c>).</summary>
    public string Hub { get; set; } = ProgressOptions.DefaultHub;

    /// <summary>
    /// How the app reaches the service: with the access key (<paramref name="key"/>) or with an identity
    /// (<paramref name="identity"/>); false with the setting and the rule that are not met.
    /// </summary>
    public bool TryResolve(out WebPubSubConnectionString? key, out WebPubSubIdentity? identity, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        const string Prefix = ProgressOptions.Section + ":WebPubSub:";
        key = null;
        identity = null;
        problem = null;
        bool hasConnection = !string.IsNullOrWhiteSpace(ConnectionString);
        bool hasEndpoint = !string.IsNullOrWhiteSpace(Endpoint);
        if (hasConnection && hasEndpoint)
        {
            problem = $"{Prefix}ConnectionString and {Prefix}Endpoint are both set: set one (Endpoint signs in with the app's identity).";
        }
        else if (hasEndpoint)
        {
            if (WebPubSubIdentity.TryParseEndpoint(Endpoint, out Uri? endpoint))
            {
                identity = new WebPubSubIdentity(endpoint, Credential, ClientId is { Length: > 0 } ? ClientId : null);
            }
            else
            {
                problem = $"{Prefix}Endpoint must be an absolute https:// URL (https://name.webpubsub.azure.com).";
            }
        }
        else if (!hasConnection)
        {
            problem = $"{Prefix}Endpoint (the app signs in with its identity) or {Prefix}ConnectionString is required with Provider=WebPubSub.";
        }
        else if (!WebPubSubIdentity.TryParse(ConnectionString, out identity, out string? identityProblem))
        {
            problem = identityProblem is not null ? $"{Prefix}ConnectionString {identityProblem}"
                : WebPubSubConnectionString.TryParse(ConnectionString, out key, out string? keyProblem) ? null : $"{Prefix}ConnectionString {keyProblem}";
        }

        return problem is null;
    }
}

/// <summary>The local hub (<c>AgentFactory:Progress:Local</c>).</summary>
public sealed class LocalHubSettings
{
    /// <summary>
    /// The key that signs and checks the local hub's client tokens (at least 32 characters). Unset: a random key for
    /// the life of the process — enough, as the hub and the negotiate route live in the same process; clients that
    /// reconnect after a restart negotiate again.
    /// </summary>
    public string? AccessKey { get; set; }

    /// <summary>How long a dropped reliable connection can be resumed (<c>awps_connection_id</c>) before it is forgotten.</summary>
    public TimeSpan ReconnectWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages a connection may have unsent or (reliable protocol) unacknowledged; beyond it is dropped (1008) and resyncs.</summary>
    public int ConnectionQueueCapacity { get; set; } = 1024;
}
