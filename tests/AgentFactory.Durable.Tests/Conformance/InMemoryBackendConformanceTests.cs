using AgentFactory.Durable.Backend;
using AgentFactory.Durable.InMemory;

namespace AgentFactory.Durable.Tests.Conformance;

public class InMemoryBackendConformanceTests : BackendConformanceTests
{
    protected override Task<IOrchestrationBackend> CreateBackendAsync() =>
        Task.FromResult<IOrchestrationBackend>(new InMemoryOrchestrationBackend());
}
