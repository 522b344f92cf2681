using System.Collections.Concurrent;

namespace AgentFactory.Core.Validation;

/// <summary>An in-process <see cref="IAgentNameRegistry"/> for tests and local runs; reservations are insert-only, like the table.</summary>
public sealed class InMemoryAgentNameRegistry : IAgentNameRegistry
{
    private readonly ConcurrentDictionary<(string TenantId, string Name), bool> names = new();

    /// <summary>Reserves <paramref name="name"/> for <paramref name="tenantId"/>; false when it was already taken.</summary>
    public bool TryReserve(string tenantId, string name) => names.TryAdd((tenantId, name), true);

    /// <summary>Releases a reservation (an agent deleted or a creation cancelled).</summary>
    public bool Release(string tenantId, string name) => names.TryRemove((tenantId, name), out _);

    /// <inheritdoc/>
    public Task<bool> IsTakenAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(names.ContainsKey((tenantId, name)));
    }
}
