using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// Where a sandbox's test calls go (the sandbox HTTP test endpoint, docs/AGENT-RUNTIME.md): a process on this
/// machine that a local sandbox reaches through the host's network (<see cref="SandboxEndpointProcess"/>), or a
/// sidecar in the sandbox's own container group, which is the only place a Container Instances group can reach
/// without a public address (<see cref="SandboxEndpointSidecar"/>).
/// </summary>
public interface ISandboxEndpoint
{
    /// <summary>The endpoint's address as the sandbox sees it, and the sidecar to run with the sandbox when it serves it.</summary>
    Task<SandboxEndpointPlacement> PlaceAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The endpoint's address as a deployed agent sees it (for a first task aimed at it), or null when deployed agents
    /// cannot reach it: a sidecar lives only in sandbox groups.
    /// </summary>
    Task<string?> UrlForAgentsAsync(CancellationToken cancellationToken = default);
}

/// <summary>The test endpoint's base URL inside the sandbox (no trailing slash), and its sidecar, if any.</summary>
public sealed record SandboxEndpointPlacement(string Url, ContainerSidecar? Sidecar);
