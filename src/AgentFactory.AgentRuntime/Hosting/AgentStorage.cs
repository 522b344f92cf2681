using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// The storage account the agent serves its queue and keeps its tables in, reached either with a connection string
/// (<c>AGENT_STORAGE</c>: Azurite, or a key) or with a user-assigned managed identity (<c>AGENT_STORAGE_ACCOUNT</c> +
/// <c>AGENT_STORAGE_CLIENT_ID</c>: Azure, where the account has no keys). Every queue and table client the program
/// makes comes from here, so the two ways stay one decision.
/// </summary>
internal sealed class AgentStorage
{
    private readonly string? connectionString;

    private AgentStorage(string? connectionString, Uri? queueEndpoint, Uri? tableEndpoint, TokenCredential? credential)
    {
        this.connectionString = connectionString;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
        Credential = credential;
    }

    /// <summary>Queue service endpoint (identity-based access only).</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>Table service endpoint (identity-based access only).</summary>
    public Uri? TableEndpoint { get; }

    /// <summary>The identity used for the account, or null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>
    /// The account the environment names: <c>AGENT_STORAGE</c> first; else <c>AGENT_STORAGE_ACCOUNT</c> (endpoints
    /// <c>https://{name}.{queue|table}.core.windows.net</c> unless <c>AGENT_STORAGE_QUEUE_URI</c>/<c>AGENT_STORAGE_TABLE_URI</c>
    /// say otherwise) with the managed identity <c>AGENT_STORAGE_CLIENT_ID</c> (the system-assigned one when unset);
    /// null when neither is set (a sandbox without storage).
    /// </summary>
    public static AgentStorage? From(AgentEnvironment environment)
    {
        if (environment.Storage is { } connection)
        {
            return new AgentStorage(connection, null, null, null);
        }

        if (environment.Get(AgentEnvironment.StorageAccountVariable) is not { } account)
        {
            return null;
        }

        // Only a managed identity: the agent runs in a container group that has one, and nothing else may sign in for it.
        var identity = environment.Get(AgentEnvironment.StorageClientIdVariable) is { } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned;
        return new AgentStorage(null,
            ServiceUri(environment, AgentEnvironment.StorageQueueUriVariable, account, "queue"),
            ServiceUri(environment, AgentEnvironment.StorageTableUriVariable, account, "table"),
            new ManagedIdentityCredential(identity));
    }

    public QueueClient Queue(string name) => connectionString is { } connection
        ? new QueueClient(connection, name)
        : new QueueClient(new Uri(QueueEndpoint!, Uri.EscapeDataString(name)), Credential!);

    public TableClient Table(string name) => connectionString is { } connection
        ? new TableClient(connection, name)
        : new TableClient(TableEndpoint!, name, Credential!);

    private static Uri ServiceUri(AgentEnvironment environment, string variable, string account, string service)
    {
        var text = environment.Get(variable) ?? $"https://{account}.{service}.core.windows.net";
        // A trailing slash keeps a path-style endpoint (Azurite's http://host:port/account) when a queue name is appended.
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }
}
