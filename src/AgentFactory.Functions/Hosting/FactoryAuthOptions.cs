namespace AgentFactory.Functions.Hosting;

/// <summary>How callers sign in (section <c>AgentFactory:Auth</c>).</summary>
public sealed class FactoryAuthOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:Auth";

    /// <summary>
    /// Whether to create a development key (tenant <c>dev</c>, role <c>automation</c>) at start and print it to the
    /// console. Null: only in the Development environment.
    /// </summary>
    public bool? CreateDevelopmentKey { get; set; }

    /// <summary>
    /// The development key to reuse (e.g. from local.settings.json), so that it stays the same across restarts.
    /// Null: a new one each start. Only its hash is stored.
    /// </summary>
    public string? DevelopmentKey { get; set; }

    /// <summary>Keys given in configuration, by hash, besides those in the <c>ApiKeys</c> table.</summary>
    public IList<ConfiguredKey> Keys { get; } = [];

    /// <summary>How long a key read from the table is trusted before it is read again (a deleted key works this much longer).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Entra ID bearer tokens; not accepted unless issuer, audience and at least one signing key are set.</summary>
    public EntraOptions Entra { get; } = new();

    /// <summary>What is wrong with these options, or null.</summary>
    internal string? Problem()
    {
        if (KeyCacheDuration < TimeSpan.Zero)
        {
            return "KeyCacheDuration: must not be negative.";
        }

        for (int i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].Problem() is { } problem)
            {
                return $"Keys:{i}: {problem}";
            }
        }

        return Entra.Problem();
    }
}

/// <summary>A function key given in configuration: its SHA-256 hash (hex) and whom it stands for.</summary>
public sealed class ConfiguredKey
{
    /// <summary>SHA-256 of the key's UTF-8 bytes, 64 hex digits (<c>printf %s KEY | sha256sum</c>).</summary>
    public string Hash { get; set; } = "";

    /// <summary>The tenant the key acts for.</summary>
    public string Tenant { get; set; } = "";

    /// <summary>One of <see cref="FactoryRoles.All"/>.</summary>
    public string Role { get; set; } = "";

    /// <summary>A label for people (never secret).</summary>
    public string? Name { get; set; }

    internal string? Problem() =>
        !FunctionKeys.IsHash(Hash) ? "Hash must be the SHA-256 of the key as 64 hex digits (printf %s KEY | sha256sum), never the key."
        : string.IsNullOrWhiteSpace(Tenant) ? "Tenant is required."
        : !FactoryRoles.IsKnown(Role) ? $"Role '{Role}' is not one of {string.Join(", ", FactoryRoles.All)}."
        : null;
}

/// <summary>Entra ID tokens (section <c>AgentFactory:Auth:Entra</c>); roles come from the <c>roles</c> claim, the tenant from <c>tid</c>.</summary>
public sealed class EntraOptions
{
    /// <summary>The accepted issuer, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The accepted audience: the app registration's application ID URI or client id.</summary>
    public string? Audience { get; set; }

    /// <summary>Public signing keys, each a PEM public key or a JSON Web Key (one entry of the issuer's JWKS).</summary>
    public IList<string> SigningKeys { get; } = [];

    /// <summary>Whether tokens can be checked at all.</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(Issuer) && !string.IsNullOrEmpty(Audience) && SigningKeys.Count > 0;

    internal string? Problem()
    {
        bool any = !string.IsNullOrEmpty(Issuer) || !string.IsNullOrEmpty(Audience) || SigningKeys.Count > 0;
        if (any && !IsConfigured)
        {
            return "Entra: needs Issuer, Audience and at least one of SigningKeys, or none of them.";
        }

        for (int i = 0; i < SigningKeys.Count; i++)
        {
            if (!EntraSigningKeys.TryParse(SigningKeys[i], out _, out string? problem))
            {
                return $"Entra:SigningKeys:{i}: {problem}";
            }
        }

        return null;
    }
}
