using System.Globalization;
using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// The test endpoint as a sidecar of each sandbox: the agent program's <c>endpoint</c> command from the same image,
/// on a fixed port of the group's own network namespace, so the sandbox reaches it at 127.0.0.1 and nothing outside
/// the group can. Used with Container Instances, whose groups cannot reach a process of the app.
/// </summary>
public sealed class SandboxEndpointSidecar(SandboxOptions options) : ISandboxEndpoint
{
    /// <summary>The sidecar's container name.</summary>
    public const string Name = "sandbox-http";

    /// <summary>What the sidecar asks for on top of the sandbox: the endpoint is a small HttpListener.</summary>
    public const decimal CpuCores = 0.25m;

    /// <inheritdoc cref="CpuCores"/>
    public const long MemoryBytes = 512L * 1024 * 1024;

    /// <inheritdoc/>
    public Task<SandboxEndpointPlacement> PlaceAsync(CancellationToken cancellationToken = default)
    {
        string port = options.EndpointPort.ToString(CultureInfo.InvariantCulture);
        var sidecar = new ContainerSidecar(Name, [.. options.ProgramCommand("endpoint", "--port", port)], CpuCores, MemoryBytes);
        return Task.FromResult(new SandboxEndpointPlacement("http://127.0.0.1:" + port, sidecar));
    }

    /// <inheritdoc/>
    public Task<string?> UrlForAgentsAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);
}
