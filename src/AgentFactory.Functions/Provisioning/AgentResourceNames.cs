using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The names of one agent's resources, derived only from (tenant, agent name): every retry, every process and
/// every deprovisioning finds the same resources without storing their names anywhere.
/// </summary>
/// <remarks>
/// A name is <c>{slug}-{hash}</c>: the agent name (sanitised, cut to <see cref="MaxSlugLength"/>) so a person can
/// tell whose queue it is, and the first 16 hex digits (64 bits) of SHA-256 over tenant and agent name, so two
/// tenants' agents of the same name, or two long names that share their first 39 characters, never share a
/// resource. SHA-256 rather than <see cref="string.GetHashCode()"/>: the latter differs per process. The result
/// starts with a letter and is at most 56 characters, which fits every service at once: queue and blob container
/// (3–63 lowercase letters, digits, single hyphens), container group (<c>ContainerSpec.IsValidName</c>), and,
/// without its hyphens, a table (3–63 letters and digits, starting with a letter). These are storage formats:
/// changing the derivation orphans every provisioned agent.
/// </remarks>
public sealed record AgentResourceNames
{
    /// <summary>Most characters kept from the agent name (63 − "-" − 16 hash digits − "-poison").</summary>
    public const int MaxSlugLength = 39;

    /// <summary>Hex digits of the hash in every name.</summary>
    public const int HashLength = 16;

    private const string PoisonSuffix = "-poison";

    private AgentResourceNames(string tenantId, string agentName, string hash, string baseName)
    {
        TenantId = tenantId;
        AgentName = agentName;
        Hash = hash;
        TaskQueue = baseName;
        PoisonQueue = baseName + PoisonSuffix;
        BlobContainer = baseName;
        Table = baseName.Replace("-", "", StringComparison.Ordinal);
        Container = baseName;
    }

    /// <summary>The tenant the agent belongs to.</summary>
    public string TenantId { get; }

    /// <summary>The agent's name, as configured.</summary>
    public string AgentName { get; }

    /// <summary>16 lowercase hex digits identifying (tenant, agent).</summary>
    public string Hash { get; }

    /// <summary>The queue the agent takes its tasks from.</summary>
    public string TaskQueue { get; }

    /// <summary>Where the agent moves a task it cannot process (<c>{queue}-poison</c>).</summary>
    public string PoisonQueue { get; }

    /// <summary>The agent's blob container.</summary>
    public string BlobContainer { get; }

    /// <summary>The agent's table (created for memory agents only).</summary>
    public string Table { get; }

    /// <summary>The agent's container (container group in Azure).</summary>
    public string Container { get; }

    /// <summary>The names for agent <paramref name="agentName"/> of tenant <paramref name="tenantId"/>.</summary>
    public static AgentResourceNames For(string tenantId, string agentName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(agentName);
        string hash = HashOf(tenantId, agentName);
        return new AgentResourceNames(tenantId, agentName, hash, Slug(agentName) + "-" + hash);
    }

    /// <summary>
    /// Length-prefixed so that no (tenant, name) pair can be spelled as another: ("a:b", "c") and ("a", "b:c")
    /// hash different texts.
    /// </summary>
    private static string HashOf(string tenantId, string agentName)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{tenantId.Length}:{tenantId}|{agentName.Length}:{agentName}");
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(digest, 0, HashLength / 2);
    }

    /// <summary>
    /// A valid agent name (validation guarantees one) passes through, cut to length; anything else is made valid
    /// so that this never throws for a name the hash already makes unique.
    /// </summary>
    private static string Slug(string agentName)
    {
        var slug = new StringBuilder(MaxSlugLength);
        foreach (char c in agentName.ToLowerInvariant())
        {
            if (slug.Length == MaxSlugLength)
            {
                break;
            }

            bool keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (keep)
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        string result = slug.ToString().TrimEnd('-');
        // Tables must start with a letter; queues and containers do not care, so one rule serves all.
        return result.Length > 0 && char.IsAsciiLetter(result[0]) ? result : ("a" + result)[..Math.Min(MaxSlugLength, result.Length + 1)].TrimEnd('-');
    }
}
