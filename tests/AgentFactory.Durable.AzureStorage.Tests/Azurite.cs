using AgentFactory.Testing;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// The Azurite these tests use (see <see cref="AzuriteConnection"/>) and task hubs on it.
/// </summary>
public static class Azurite
{
    public static string ConnectionString => AzuriteConnection.ConnectionString;

    /// <summary>Options for a fresh, uniquely named task hub.</summary>
    public static AzureStorageOptions NewTaskHub(int partitions = 4) => new()
    {
        ConnectionString = ConnectionString,
        TaskHubName = "t" + Guid.NewGuid().ToString("N")[..16],
        PartitionCount = partitions,
        WorkerId = "test-" + Guid.NewGuid().ToString("N")[..8],
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
    };
}
