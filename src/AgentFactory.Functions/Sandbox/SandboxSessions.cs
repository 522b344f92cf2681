using System.Collections.Concurrent;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// Ad-hoc sandboxes started through the API (before any deployment exists): which tenant owns which sandbox
/// and for which template. Held in memory on purpose: a local sandbox does not outlive the process that runs
/// it (its processes die with their parent), so after a restart the caller starts a new one. Runs and logs,
/// which do outlive it, are in Table and Blob storage. The configuration is kept for the runs: each run makes its
/// sandbox's container again, secrets included.
/// </summary>
public sealed class SandboxSessions
{
    private readonly ConcurrentDictionary<string, (string Tenant, AgentTemplate Template, AgentConfiguration Configuration)> _sessions = new(StringComparer.Ordinal);

    /// <summary>The key the sandbox service files the session under: tenant-qualified, so no tenant can address another's.</summary>
    public static string KeyOf(string tenant, string sandboxId) => tenant + "." + sandboxId;

    public void Add(string tenant, string sandboxId, AgentTemplate template, AgentConfiguration configuration) =>
        _sessions[KeyOf(tenant, sandboxId)] = (tenant, template, configuration);

    public (AgentTemplate Template, AgentConfiguration Configuration)? Find(string tenant, string sandboxId) =>
        _sessions.TryGetValue(KeyOf(tenant, sandboxId), out var session) && session.Tenant == tenant ? (session.Template, session.Configuration) : null;

    public bool Remove(string tenant, string sandboxId) => _sessions.TryRemove(KeyOf(tenant, sandboxId), out _);
}
