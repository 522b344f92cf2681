using AgentFactory.Durable.History;
using AgentFactory.Durable.Replay;
using Microsoft.Extensions.Time.Testing;

namespace AgentFactory.Durable.Tests.Replay;

/// <summary>
/// Records the sample histories by really running the sample orchestrators through a worker on the
/// in-memory backend (with a fake clock, so that timers fire when a scenario says so).
/// </summary>
public static class SampleHistories
{
    public const string Completed = "completed-process-order.json";
    public const string Failed = "failed-process-order-payment-declined.json";
    public const string Running = "running-process-order-awaiting-approval.json";
    public const string TimedOut = "completed-process-order-approval-timed-out.json";
    public const string SubOrchestrationWithRetry = "completed-fulfill-order-with-retry.json";
    public const string NonDeterministic = "nondeterministic-refund-order-v1.json";

    /// <summary>Every file <see cref="RecordAllAsync"/> produces, in that order.</summary>
    public static readonly IReadOnlyList<string> FileNames = [Completed, Failed, Running, TimedOut, SubOrchestrationWithRetry, NonDeterministic];

    public static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static readonly OrderLine[] LargeOrder = [new("LAPTOP", 1), new("DOCK", 2), new("CABLE", 3)];
    private static readonly OrderLine[] SmallOrder = [new("DOCK", 1), new("CABLE", 2)];

    /// <summary>
    /// Regenerates the committed histories. Called from nowhere on purpose: the committed files are
    /// fixtures, rewritten only when the samples change on purpose. To regenerate, call it once from a
    /// scratch test (<c>await SampleHistories.WriteAllAsync("&lt;repo&gt;/tests/AgentFactory.Durable.Tests/Histories")</c>),
    /// run that test alone, and delete it again.
    /// </summary>
    public static async Task WriteAllAsync(string historiesDirectory)
    {
        Directory.CreateDirectory(historiesDirectory);
        foreach ((string fileName, HistoryExport export) in await RecordAllAsync())
        {
            await File.WriteAllTextAsync(Path.Combine(historiesDirectory, fileName), export.ToJson() + "\n");
        }
    }

    /// <summary>Runs every scenario and returns its export, keyed by the file name it is committed under.</summary>
    public static async Task<IReadOnlyList<(string FileName, HistoryExport Export)>> RecordAllAsync() =>
    [
        (Completed, await ApprovedLargeOrderAsync()),
        (Failed, await DeclinedPaymentAsync()),
        (Running, await AwaitingApprovalAsync()),
        (TimedOut, await ApprovalTimedOutAsync()),
        (SubOrchestrationWithRetry, await FlakyCarrierFulfillmentAsync()),
        (NonDeterministic, await RefundWithFirstVersionAsync()),
    ];

    private static async Task<HistoryExport> ApprovedLargeOrderAsync()
    {
        await using EngineHost host = await StartAsync(r => r.AddSamples());
        string id = await StartOrderAsync(host, new Order("A-1001", "ada@example.com", LargeOrder, "tok_visa"));
        await host.WaitUntilAsync(id, m => Stage(m) == "awaiting-approval");
        await host.Client.RaiseEventAsync(id, SampleOrchestrations.ApprovalEvent, new Approval(true, "grace"));
        await ExpectAsync(host, id, OrchestrationRuntimeStatus.Completed);
        return await HistoryExport.ExportAsync(host.Client, id);
    }

    private static async Task<HistoryExport> DeclinedPaymentAsync()
    {
        await using EngineHost host = await StartAsync(r => r.AddSamples());
        string id = await StartOrderAsync(host, new Order("A-1002", "alan@example.com", SmallOrder, SampleOrchestrations.DeclinedCard));
        await ExpectAsync(host, id, OrchestrationRuntimeStatus.Failed);
        return await HistoryExport.ExportAsync(host.Client, id);
    }

    private static async Task<HistoryExport> AwaitingApprovalAsync()
    {
        await using EngineHost host = await StartAsync(r => r.AddSamples());
        string id = await StartOrderAsync(host, new Order("A-1003", "barbara@example.com", LargeOrder, "tok_visa"));
        await host.WaitUntilAsync(id, m => Stage(m) == "awaiting-approval");
        return await HistoryExport.ExportAsync(host.Client, id);
    }

    private static async Task<HistoryExport> ApprovalTimedOutAsync()
    {
        await using EngineHost host = await StartAsync(r => r.AddSamples());
        string id = await StartOrderAsync(host, new Order("A-1004", "edsger@example.com", LargeOrder, "tok_visa"));
        await host.WaitUntilAsync(id, m => Stage(m) == "awaiting-approval");
        await AdvanceAsync(host.Clock!, SampleOrchestrations.ApprovalTimeout);
        await ExpectAsync(host, id, OrchestrationRuntimeStatus.Completed);
        return await HistoryExport.ExportAsync(host.Client, id);
    }

    private static async Task<HistoryExport> FlakyCarrierFulfillmentAsync()
    {
        await using EngineHost host = await StartAsync(r => r.AddSamples());
        string id = await StartOrderAsync(host, new Order(SampleOrchestrations.FlakyCarrierPrefix + "1005", "donald@example.com", SmallOrder, "tok_visa"));
        string child = SampleOrchestrations.FulfillmentInstanceId(id);
        await host.WaitForHistoryAsync(child, h => h.OfType<TimerCreatedEvent>().Any());
        await AdvanceAsync(host.Clock!, SampleOrchestrations.ShipmentRetry.FirstRetryInterval);
        await ExpectAsync(host, id, OrchestrationRuntimeStatus.Completed);
        return await HistoryExport.ExportAsync(host.Client, child);
    }

    private static async Task<HistoryExport> RefundWithFirstVersionAsync()
    {
        await using EngineHost host = await StartAsync(r => r
            .AddOrchestratorFunc<Refund, string>(SampleOrchestrations.RefundOrder, SampleOrchestrations.RefundOrderV1Async)
            .AddSampleActivities(new SampleActivityState()));
        OrchestrationMetadata done = await host.RunAsync(SampleOrchestrations.RefundOrder, new Refund("A-0999", 189.50m), "refund-A-0999");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return await HistoryExport.ExportAsync(host.Client, done.InstanceId);
    }

    private static Task<EngineHost> StartAsync(Action<DurableTaskRegistry> register) =>
        EngineHost.StartAsync(register, clock: new FakeTimeProvider(Start));

    private static Task<string> StartOrderAsync(EngineHost host, Order order) =>
        host.Client.ScheduleNewOrchestrationInstanceAsync(SampleOrchestrations.ProcessOrder, order,
            new StartOrchestrationOptions { InstanceId = "order-" + order.OrderId });

    private static async Task ExpectAsync(EngineHost host, string instanceId, OrchestrationRuntimeStatus status)
    {
        OrchestrationMetadata done = await host.CompletionAsync(instanceId);
        Assert.True(done.RuntimeStatus == status, $"{instanceId} ended {done.RuntimeStatus} ({done.FailureDetails}), expected {status}.");
    }

    private static string? Stage(OrchestrationMetadata instance) => instance.ReadCustomStatusAs<OrderStatus>()?.Stage;

    // Off the test's thread: timer callbacks run inline in Advance and would run the worker's loop there.
    private static Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by) => Task.Run(() => clock.Advance(by));
}
