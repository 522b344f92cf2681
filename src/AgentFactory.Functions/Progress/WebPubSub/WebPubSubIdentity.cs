using AgentFactory.Functions.Storage;
using Azure.Core;

namespace AgentFactory.Functions.Progress.WebPubSub;

/// <summary>
/// Web PubSub reached with a Microsoft Entra identity instead of the access key: the service's endpoint and the
/// credential, named as <see cref="FactoryStorageAccount.CredentialFrom"/> names it (<c>managedidentity</c>, or
/// nothing for <c>DefaultAzureCredential</c>; <see cref="ClientId"/> picks a user-assigned identity).
/// </summary>
public sealed record WebPubSubIdentity(Uri Endpoint, string? Credential, string? ClientId)
{
    /// <summary>The audience of the data plane's Entra tokens.</summary>
    public const string Scope = "https://webpubsub.azure.com/.default";

    public TokenCredential CreateCredential() => FactoryStorageAccount.CredentialFrom(Credential, ClientId);

    /// <summary>
    /// The identity form of a connection string, as the Azure SignalR/Web PubSub SDKs read it:
    /// <c>Endpoint=https://…;AuthType=azure.msi;[ClientId=…;]Version=1.0;</c> (the managed identity, user-assigned with
    /// <c>ClientId</c>) or <c>AuthType=azure</c> (<c>DefaultAzureCredential</c>). False when the string has no
    /// <c>AuthType</c>; <paramref name="problem"/> set when it has one but is not usable.
    /// </summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebPubSubIdentity? parsed, out string? problem)
    {
        parsed = null;
        problem = null;
        if (!WebPubSubConnectionString.TryReadParts(value, out Dictionary<string, string>? parts, out _)
            || !parts.TryGetValue("AuthType", out string? authType))
        {
            return false;
        }

        if (parts.ContainsKey("AccessKey"))
        {
            problem = "has both AuthType and AccessKey.";
            return false;
        }

        string? credential = authType.ToLowerInvariant() switch
        {
            "azure.msi" => "managedidentity",
            "azure" => "default",
            _ => null,
        };
        if (credential is null)
        {
            // azure.app needs a client secret in the setting: exactly what this mode avoids.
            problem = "has an AuthType other than azure.msi or azure.";
            return false;
        }

        if (!WebPubSubConnectionString.TryReadEndpoint(parts, out Uri? endpoint, out problem))
        {
            return false;
        }

        if (endpoint.Scheme != "https")
        {
            problem = "needs Endpoint=https://… with an AuthType (Entra tokens go over TLS only).";
            return false;
        }

        parsed = new WebPubSubIdentity(endpoint, credential, parts.TryGetValue("ClientId", out string? clientId) && clientId.Length > 0 ? clientId : null);
        return true;
    }

    /// <summary>An endpoint setting: an absolute https URL (Azure.Core sends tokens over TLS only), path and query dropped.</summary>
    public static bool TryParseEndpoint(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme != "https")
        {
            return false;
        }

        endpoint = new UriBuilder(uri) { Path = "/", Query = "", Fragment = "" }.Uri;
        return true;
    }
}
