using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Storage;
using AgentFactory.Testing;
using Azure.Storage.Blobs;

namespace AgentFactory.Functions.Tests.Sandbox;

/// <summary>The sandbox's storage (tables, a logs container of its own on Azurite), and its test endpoint.</summary>
public sealed class SandboxServiceFixture : IAsyncLifetime
{
    private readonly TablesFixture _tables = new();

    public SandboxOptions Options { get; } = new()
    {
        LogsContainer = "logs" + Guid.NewGuid().ToString("N")[..12],
        RunTimeout = TimeSpan.FromMinutes(2),
    };

    public BlobServiceClient Blobs { get; } = new(AzuriteConnection.ConnectionString);

    public SandboxTestTable Runs => new(_tables.Tables);

    public SandboxEndpointProcess Endpoint { get; private set; } = null!;

    public SandboxService Service(AgentFactory.Functions.Containers.IContainerRuntime runtime) =>
        new(runtime, Runs, new SandboxLogStore(Blobs, Options), Endpoint, Options, TimeProvider.System);

    public async Task InitializeAsync()
    {
        Endpoint = new SandboxEndpointProcess(Options);
        await _tables.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Endpoint.DisposeAsync();
        await _tables.DisposeAsync();
        await Blobs.DeleteBlobContainerAsync(Options.LogsContainer);
    }
}
