using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.EndToEnd;

/// <summary>
/// The real app for the wizard tests, with health and first-task polls every 250 ms instead of every 1–2 s (the
/// defaults suit a real agent on Azure; here they would only add idle seconds per creation).
/// </summary>
public sealed class WizardApp : FactoryApp
{
    private readonly List<string> _containers = [];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:AgentCreation:HealthCheckInterval", "00:00:00.250"),
        new("AgentFactory:AgentCreation:FirstTaskPollInterval", "00:00:00.250"),
    ];

    /// <summary>Notes the agent (tenant, name) whose container must go when the test ends (deployed agents run until removed).</summary>
    public void RemoveLater(string tenant, string agentName)
    {
        lock (_containers)
        {
            _containers.Add(AgentResourceNames.For(tenant, agentName).Container);
        }
    }

    /// <summary>Removes the noted containers (tests call it when they end, passing or not).</summary>
    public async Task RemoveContainersAsync()
    {
        IContainerRuntime runtime = Services.GetRequiredService<IContainerRuntime>();
        string[] names;
        lock (_containers)
        {
            names = [.. _containers];
            _containers.Clear();
        }

        foreach (string name in names)
        {
            await runtime.DeleteAsync(name);
        }
    }
}
