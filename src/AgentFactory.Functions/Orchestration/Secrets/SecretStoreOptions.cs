namespace AgentFactory.Functions.Orchestration.Secrets;

/// <summary>The key that encrypts stored secrets (section <c>AgentFactory:Secrets</c>).</summary>
public sealed class SecretStoreOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:Secrets";

    /// <summary>
    /// A 256-bit AES key, Base64 (e.g. <c>openssl rand -base64 32</c>). On Azure, an app setting that is a Key Vault
    /// reference, so the key itself lives in Key Vault. Every process of one factory needs the same key.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Names the key in each row, so a rotated key can be told from the old one.</summary>
    public string KeyId { get; set; } = "k1";

    /// <summary>The key's bytes, or null when it is missing or not 32 bytes of Base64.</summary>
    internal byte[]? KeyBytes()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return null;
        }

        try
        {
            byte[] bytes = Convert.FromBase64String(Key.Trim());
            return bytes.Length == 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
