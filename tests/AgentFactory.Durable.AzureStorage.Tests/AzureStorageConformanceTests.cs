using AgentFactory.Durable.Backend;
using AgentFactory.Durable.Tests.Conformance;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>The engine's backend contract, on Azurite: each test gets its own task hub.</summary>
public class AzureStorageConformanceTests : BackendConformanceTests
{
    protected override async Task<IOrchestrationBackend> CreateBackendAsync()
    {
        var backend = new AzureStorageOrchestrationBackend(Azurite.NewTaskHub());
        await backend.CreateIfNotExistsAsync();
        return backend;
    }

    protected override async Task DeleteBackendAsync(IOrchestrationBackend backend)
    {
        var azure = (AzureStorageOrchestrationBackend)backend;
        await azure.StopAsync();
        await azure.DeleteTaskHubAsync();
    }
}
