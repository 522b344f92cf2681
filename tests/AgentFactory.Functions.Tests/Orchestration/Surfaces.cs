using AgentFactory.Durable;
using AgentFactory.Durable.Replay;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Tests.Orchestration;

/// <summary>Everything a deployment leaves where people and tools can read it, as text, to search for a planted secret.</summary>
internal static class Surfaces
{
    public static async Task<IReadOnlyDictionary<string, string>> CollectAsync(FactoryHost host, string tenantId, string deploymentId)
    {
        FactoryEnvironment env = host.Environment;
        var surfaces = new Dictionary<string, string>
        {
            ["history"] = (await HistoryExport.ExportAsync(host.Client, deploymentId)).ToJson(),
        };
        OrchestrationMetadata? instance = await host.Client.GetInstanceAsync(deploymentId, getInputsAndOutputs: true);
        surfaces["input"] = instance?.SerializedInput ?? "";
        surfaces["output"] = instance?.SerializedOutput ?? "";
        surfaces["customStatus"] = instance?.SerializedCustomStatus ?? "";
        surfaces["events"] = await RowsAsync(env.Events.Table, $"PartitionKey eq '{deploymentId}'");
        surfaces["deploymentRows"] = await RowsAsync(env.FactoryTables.Deployments, $"PartitionKey eq '{tenantId}'");
        surfaces["sandboxTests"] = await RowsAsync(env.FactoryTables.SandboxTests, $"PartitionKey eq '{deploymentId}'");
        surfaces["secretRows"] = await RowsAsync(env.SecretsTable, $"PartitionKey eq '{deploymentId}'");
        surfaces["logs"] = string.Join("\n", env.Logs.Messages);
        DeploymentView? view = await host.Service.GetStatusAsync(tenantId, deploymentId);
        surfaces["statusView"] = System.Text.Json.JsonSerializer.Serialize(view);
        return surfaces;
    }

    /// <summary>Asserts that <paramref name="secret"/> appears on none of the surfaces (and that they were read at all).</summary>
    public static async Task AssertNowhereAsync(FactoryHost host, string tenantId, string deploymentId, string secret)
    {
        IReadOnlyDictionary<string, string> surfaces = await CollectAsync(host, tenantId, deploymentId);
        Assert.Contains("ExecutionStarted", surfaces["history"], StringComparison.Ordinal);
        Assert.NotEmpty(surfaces["events"]);
        Assert.NotEmpty(surfaces["deploymentRows"]);
        foreach ((string name, string text) in surfaces)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"The planted secret appears in {name}.");
        }
    }

    private static async Task<string> RowsAsync(TableClient table, string filter)
    {
        var text = new System.Text.StringBuilder();
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter))
            {
                foreach (KeyValuePair<string, object> property in row)
                {
                    text.Append(property.Key).Append('=').Append(property.Value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : property.Value)
                        .Append('\n');
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The table was never made: nothing was written to it.
        }

        return text.ToString();
    }

    /// <summary>Rows in <paramref name="partition"/> of <paramref name="table"/> (0 when the table does not exist).</summary>
    public static async Task<int> CountAsync(TableClient table, string partition)
    {
        int count = 0;
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return count;
    }

    /// <summary>The deployment's whole event log.</summary>
    public static async Task<IReadOnlyList<DeploymentEvent>> EventsAsync(FactoryHost host, string tenantId, string deploymentId)
    {
        var all = new List<DeploymentEvent>();
        while (true)
        {
            IReadOnlyList<DeploymentEvent> page = (await host.Service.ListEventsAsync(tenantId, deploymentId, all.Count == 0 ? 0 : all[^1].Sequence, 50))!;
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    /// <summary>The log is 1, 2, … n without a gap, in time order.</summary>
    public static void AssertComplete(IReadOnlyList<DeploymentEvent> events)
    {
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Time >= events[i - 1].Time.AddMilliseconds(-5),
                $"Event {events[i].Sequence} ({events[i].Type}, {events[i].Time:O}) is earlier than event {events[i - 1].Sequence} ({events[i - 1].Type}, {events[i - 1].Time:O}).");
        }
    }

    /// <summary>Asserts that <paramref name="expected"/> types appear in this order (others may come between).</summary>
    public static void AssertInOrder(IReadOnlyList<DeploymentEvent> events, params string[] expected)
    {
        int at = 0;
        foreach (DeploymentEvent e in events)
        {
            if (at < expected.Length && e.Type == expected[at])
            {
                at++;
            }
        }

        Assert.True(at == expected.Length,
            $"Expected {string.Join(" → ", expected)}; missing from '{(at < expected.Length ? expected[at] : "")}' in: {string.Join(", ", events.Select(e => e.Type))}");
    }
}
