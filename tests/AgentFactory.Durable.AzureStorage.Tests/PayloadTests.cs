using System.Text;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Tests;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace AgentFactory.Durable.AzureStorage.Tests;

/// <summary>
/// Payloads above the inline limit (30,000 chars) travel through blobs: input, activity input and result,
/// output, custom status and an external event all come back exactly, and purge removes the blobs.
/// </summary>
public class PayloadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Under the engine's 64 KiB custom-status limit when serialized, over the 30,000-char inline limit; ASCII, so its size is exact.
    private static readonly string Status = Text(40_000, seed: 3, asciiOnly: true);

    [Fact(Timeout = 90_000)]
    public async Task LargeInput_ManyEpisodes_IsStoredOnceNotPerCommit()
    {
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(r => r
                .AddActivityFunc<int, int>("Next", (_, n) => n + 1)
                .AddOrchestratorFunc<string, int>("Steps", async (context, text) =>
                {
                    int n = 0;
                    for (int i = 0; i < 12; i++)
                    {
                        n = await context.CallActivityAsync<int>("Next", n);
                    }

                    return n + text.Length;
                }), backend, bare: true);

            OrchestrationMetadata done = await host.RunAsync("Steps", Text(200_000, seed: 3), "steps");

            Assert.Equal(200_012, done.ReadOutputAs<int>());
            // The input in the status row, in the start message and in the first episode's events: not one copy per commit.
            List<string> blobs = await StorageProbe.PayloadBlobsAsync(hub, "steps");
            Assert.InRange(blobs.Count, 1, 4);
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task LargePayloads_InputOutputStatusAndEvent_RoundTripExactlyThroughBlobsAndPurgeRemovesThem()
    {
        string input = Text(200_000, seed: 1);
        string payload = Text(100_000, seed: 2);
        AzureStorageOptions hub = Azurite.NewTaskHub();
        var backend = new AzureStorageOrchestrationBackend(hub);
        try
        {
            await using EngineHost host = await EngineHost.StartAsync(r => r
                .AddActivityFunc<string, string>("Echo", (_, s) => s)
                .AddOrchestratorFunc<string, string>("Big", async (context, text) =>
                {
                    string echo = await context.CallActivityAsync<string>("Echo", text);
                    context.SetCustomStatus(Status);
                    string received = await context.WaitForExternalEvent<string>("payload");
                    return echo + received;
                }), backend, bare: true);
            const string id = "big";
            await host.ScheduleAsync("Big", input, id);

            OrchestrationMetadata running = await StorageProbe.UntilAsync(async () => (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!,
                s => s.SerializedCustomStatus is not null, Patience, "the custom status");
            Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
            Assert.Equal(Status, running.ReadCustomStatusAs<string>());
            await host.Client.RaiseEventAsync(id, "payload", payload);
            OrchestrationMetadata done = await StorageProbe.CompletionAsync(host.Client, id, Patience);

            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus} {done.FailureDetails}");
            Assert.True(input == done.ReadInputAs<string>(), "the input changed on its way");
            Assert.True(input + payload == done.ReadOutputAs<string>(), "the output changed on its way");
            Assert.Equal(Status, done.ReadCustomStatusAs<string>());
            IReadOnlyList<HistoryEvent> history = await host.Client.GetInstanceHistoryAsync(id);
            StorageProbe.AssertWellFormed(id, history);
            Assert.True(input == Read(history.OfType<ExecutionStartedEvent>().Single().Input), "the started event's input changed");
            Assert.True(input == Read(history.OfType<TaskScheduledEvent>().Single().Input), "the activity's input changed");
            Assert.True(input == Read(history.OfType<TaskCompletedEvent>().Single().Result), "the activity's result changed");
            Assert.True(payload == Read(history.OfType<EventRaisedEvent>().Single().Input), "the event's payload changed");

            // They went through blobs: the status row holds references, and the instance has payload blobs.
            TableEntity row = (await StorageProbe.StatusRowAsync(hub, id))!;
            foreach (string property in new[] { "Input", "Output", "CustomStatus" })
            {
                Assert.StartsWith("blob:" + id + "/", row.GetString(property), StringComparison.Ordinal);
            }

            List<string> blobs = await StorageProbe.PayloadBlobsAsync(hub, id);
            output.WriteLine($"{blobs.Count} payload blobs for '{id}' before purge");
            Assert.True(blobs.Count >= 5, $"only {blobs.Count} payload blobs");

            Assert.Equal(1, (await host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
            Assert.Empty(await StorageProbe.PayloadBlobsAsync(hub, id));
            Assert.Empty(await StorageProbe.RowsAsync(hub, id));
            Assert.Null(await host.Client.GetInstanceAsync(id));
            Assert.Empty(await host.Client.GetInstanceHistoryAsync(id));
        }
        finally
        {
            await StorageProbe.StopAndDeleteAsync(backend, output.WriteLine);
        }
    }

    private static string? Read(string? serialized) => DataConverter.Default.Deserialize<string>(serialized);

    /// <summary>Deterministic text of <paramref name="length"/> UTF-16 chars; by default with what JSON must escape and characters outside the BMP.</summary>
    private static string Text(int length, int seed, bool asciiOnly = false)
    {
        const string ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_";
        string[] special = ["\"", "\\", "\n", "\t", "é", "ß", "漢", "字", "😀", "</>", "&"];
        var random = new Random(seed);
        var text = new StringBuilder(length + 4);
        while (text.Length < length)
        {
            if (!asciiOnly && random.Next(10) == 0)
            {
                string s = special[random.Next(special.Length)];
                if (text.Length + s.Length <= length)
                {
                    text.Append(s);
                }

                continue;
            }

            text.Append(ascii[random.Next(ascii.Length)]);
        }

        return text.ToString();
    }
}
