using AgentFactory.AgentRuntime.SandboxEndpoint;

namespace AgentFactory.AgentRuntime.Tests.Support;

/// <summary>One sandbox HTTP endpoint per test class that needs network, with a known test credential.</summary>
public sealed class EndpointFixture : IAsyncLifetime
{
    public const string Credential = "test-credential-6f1c2a9e";

    internal SandboxHttpEndpoint Endpoint { get; private set; } = null!;

    public string Url => Endpoint.BaseAddress.AbsoluteUri.TrimEnd('/');

    public Task InitializeAsync()
    {
        Endpoint = SandboxHttpEndpoint.Start(expectedCredential: Credential);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Endpoint.DisposeAsync();
}
