using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Finds the key a caller presented — among the configured keys, then in the <see cref="ApiKeyTable"/> (cached for
/// <see cref="FactoryAuthOptions.KeyCacheDuration"/>) — and creates new ones. Works on hashes only.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    private readonly ApiKeyTable _table;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheDuration;
    private readonly IReadOnlyList<ApiKeyRecord> _configured;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public ApiKeyStore(ApiKeyTable table, IOptions<FactoryAuthOptions> options, TimeProvider time)
    {
        _table = table;
        _time = time;
        _cacheDuration = options.Value.KeyCacheDuration;
        _configured = [.. options.Value.Keys.Select(k => new ApiKeyRecord(k.Hash.ToLowerInvariant(), k.Tenant, k.Role, k.Name, DateTimeOffset.MinValue))];
    }

    /// <summary>The stored key that <paramref name="key"/> is, or null when it is not a key of this factory.</summary>
    public async Task<ApiKeyRecord?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        string hash = FunctionKeys.Hash(key);
        ApiKeyRecord? found = null;
        foreach (ApiKeyRecord configured in _configured)
        {
            // Every configured hash is compared, in constant time, so timing tells nothing about which one matched.
            if (FunctionKeys.HashesEqual(configured.Hash, hash))
            {
                found = configured;
            }
        }

        if (found is not null || _cache.TryGetValue(hash, out found))
        {
            return found;
        }

        found = await _table.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (found is not null && FunctionKeys.HashesEqual(found.Hash, hash) && FactoryRoles.IsKnown(found.Role) && found.Tenant.Length > 0)
        {
            if (_cacheDuration > TimeSpan.Zero)
            {
                _cache.Set(hash, found, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = _cacheDuration, Size = 1 });
            }

            return found;
        }

        return null;
    }

    /// <summary>Creates a key for <paramref name="tenant"/> and <paramref name="role"/>; returns it — the only time it is seen.</summary>
    public async Task<string> CreateAsync(string tenant, string role, string? name, CancellationToken cancellationToken = default)
    {
        string key = FunctionKeys.New();
        await SaveAsync(key, tenant, role, name, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Stores the hash of a key chosen elsewhere (a development key kept across restarts).</summary>
    public Task SaveAsync(string key, string tenant, string role, string? name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        if (!FactoryRoles.IsKnown(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, $"A key's role is one of {string.Join(", ", FactoryRoles.All)}.");
        }

        return _table.SaveAsync(new ApiKeyRecord(FunctionKeys.Hash(key), tenant, role, name, _time.GetUtcNow()), cancellationToken);
    }

    public void Dispose() => _cache.Dispose();
}
