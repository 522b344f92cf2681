using AgentFactory.Durable.AzureStorage;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// The storage account the app keeps its state in, reached either with a connection string (Azurite, or a key in
/// a local setting) or with an Entra ID identity (Azure: no keys anywhere). Every Table, Queue and Blob service
/// client the app makes for its own account comes from here, so the two ways stay one decision.
/// </summary>
public sealed class FactoryStorageAccount
{
    /// <summary>The setting prefix of the Functions host's own storage; <c>__accountName</c> etc. follow its convention.</summary>
    public const string FunctionsStorageSetting = "AzureWebJobsStorage";

    /// <summary>The app's own connection-string setting, read before <see cref="FunctionsStorageSetting"/>.</summary>
    public const string ConnectionSetting = "AGENTFACTORY_STORAGE";

    /// <summary>Used when nothing is configured: Azurite on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private FactoryStorageAccount(string? connectionString, string? accountName, TokenCredential? credential,
        Uri? blobEndpoint = null, Uri? queueEndpoint = null, Uri? tableEndpoint = null)
    {
        ConnectionString = connectionString;
        AccountName = accountName;
        Credential = credential;
        BlobEndpoint = blobEndpoint ?? ServiceUri(accountName, "blob");
        QueueEndpoint = queueEndpoint ?? ServiceUri(accountName, "queue");
        TableEndpoint = tableEndpoint ?? ServiceUri(accountName, "table");
    }

    /// <summary>The connection string, or null when the account is reached with <see cref="Credential"/>.</summary>
    public string? ConnectionString { get; }

    /// <summary>The account name when the account is reached with <see cref="Credential"/>.</summary>
    public string? AccountName { get; }

    /// <summary>The identity used for the account, or null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>Blob endpoint (identity-based access only).</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>Queue endpoint (identity-based access only).</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>Table endpoint (identity-based access only).</summary>
    public Uri? TableEndpoint { get; }

    /// <summary>True when the account is reached with an identity rather than a connection string.</summary>
    public bool IsIdentityBased => ConnectionString is null;

    /// <summary>An account reached with a connection string (e.g. <c>UseDevelopmentStorage=true</c>).</summary>
    public static FactoryStorageAccount FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new FactoryStorageAccount(connectionString, null, null);
    }

    /// <summary>
    /// An account reached with <paramref name="credential"/>; endpoints default to <c>https://{name}.{service}.core.windows.net</c>.
    /// </summary>
    public static FactoryStorageAccount FromIdentity(string accountName, TokenCredential credential,
        Uri? blobEndpoint = null, Uri? queueEndpoint = null, Uri? tableEndpoint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentNullException.ThrowIfNull(credential);
        return new FactoryStorageAccount(null, accountName, credential, blobEndpoint, queueEndpoint, tableEndpoint);
    }

    /// <summary>Same as <see cref="FromConnectionString"/>: call sites that pass a connection string keep working.</summary>
    public static implicit operator FactoryStorageAccount(string connectionString) => FromConnectionString(connectionString);

    /// <summary>
    /// The account the settings name, first match wins: <c>AGENTFACTORY_STORAGE</c> (a connection string);
    /// <c>AzureWebJobsStorage</c> (a connection string); <c>AzureWebJobsStorage__accountName</c> with optional
    /// <c>__credential</c> (<c>managedidentity</c>), <c>__clientId</c> (a user-assigned identity) and
    /// <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c> — the Functions host's identity-based
    /// convention, so the host and the app read one set of settings; else Azurite (<see cref="DevelopmentStorage"/>).
    /// </summary>
    public static FactoryStorageAccount FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[ConnectionSetting] is { Length: > 0 } own)
        {
            return FromConnectionString(own);
        }

        return FromSetting(configuration, FunctionsStorageSetting) ?? FromConnectionString(DevelopmentStorage);
    }

    /// <summary>
    /// The account setting <paramref name="setting"/> names in the Functions convention: a connection string as its
    /// value, or <c>{setting}:accountName</c> with optional <c>:credential</c>, <c>:clientId</c> and
    /// <c>:blobServiceUri</c>/<c>:queueServiceUri</c>/<c>:tableServiceUri</c>; null when it names neither.
    /// </summary>
    public static FactoryStorageAccount? FromSetting(IConfiguration configuration, string setting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        if (configuration[setting] is { Length: > 0 } connection)
        {
            return FromConnectionString(connection);
        }

        IConfigurationSection identity = configuration.GetSection(setting);
        if (identity["accountName"] is { Length: > 0 } accountName)
        {
            return FromIdentity(accountName, CredentialFrom(identity["credential"], identity["clientId"]),
                UriOrNull(identity, "blobServiceUri"), UriOrNull(identity, "queueServiceUri"), UriOrNull(identity, "tableServiceUri"));
        }

        return null;
    }

    /// <summary>
    /// The credential the Functions convention names: <c>managedidentity</c> is the app's managed identity (the
    /// user-assigned one when <paramref name="clientId"/> is set); anything else, or nothing, is
    /// <see cref="DefaultAzureCredential"/> (managed identity in Azure, a developer's sign-in on a workstation).
    /// </summary>
    public static TokenCredential CredentialFrom(string? credential, string? clientId)
    {
        if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(clientId is { Length: > 0 }
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned);
        }

        return clientId is { Length: > 0 }
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })
            : new DefaultAzureCredential();
    }

    /// <summary>A Table service client for the account.</summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null) => ConnectionString is { } connection
        ? new TableServiceClient(connection, options ?? new TableClientOptions())
        : new TableServiceClient(TableEndpoint, Credential, options ?? new TableClientOptions());

    /// <summary>A Queue service client for the account.</summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null) => ConnectionString is { } connection
        ? new QueueServiceClient(connection, options ?? new QueueClientOptions())
        : new QueueServiceClient(QueueEndpoint, Credential, options ?? new QueueClientOptions());

    /// <summary>A Blob service client for the account.</summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null) => ConnectionString is { } connection
        ? new BlobServiceClient(connection, options ?? new BlobClientOptions())
        : new BlobServiceClient(BlobEndpoint, Credential, options ?? new BlobClientOptions());

    /// <summary>Points the durable engine's backend at this account (it supports both ways natively).</summary>
    public void Configure(AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectionString = ConnectionString;
        options.AccountName = AccountName;
        options.Credential = Credential;
    }

    /// <summary>Names the account without any secret: the account name, or the connection string's endpoints only.</summary>
    public override string ToString() => ConnectionString is null
        ? $"account '{AccountName}' (identity-based)"
        : ConnectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) ? "development storage (Azurite)" : "a connection string";

    private static Uri? ServiceUri(string? accountName, string service) =>
        accountName is null ? null : new Uri($"https://{accountName}.{service}.core.windows.net");

    private static Uri? UriOrNull(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } text ? new Uri(text, UriKind.Absolute) : null;
}
