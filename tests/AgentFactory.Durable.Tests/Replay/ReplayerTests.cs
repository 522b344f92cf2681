using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentFactory.Durable.History;
using AgentFactory.Durable.Replay;

namespace AgentFactory.Durable.Tests.Replay;

/// <summary>
/// The committed histories under Histories/ (recorded by <see cref="SampleHistories"/>) replayed against
/// the current sample code, plus the Replayer's answers to changed code and to broken files.
/// </summary>
public class ReplayerTests
{
    private static readonly string HistoriesDirectory = Path.Combine(AppContext.BaseDirectory, "Histories");

    public static TheoryData<string> DeterministicHistories => [.. CommittedFiles().Where(f => !f.StartsWith("nondeterministic-", StringComparison.Ordinal))];

    public static TheoryData<string> AllHistories => [.. CommittedFiles()];

    [Fact]
    public void CommittedHistories_EveryRecordedScenario_IsPresentAndOfItsKind()
    {
        Assert.Equal(SampleHistories.FileNames.Order(StringComparer.Ordinal), CommittedFiles());

        Assert.Equal(OrchestrationRuntimeStatus.Completed, Load(SampleHistories.Completed).Events.OfType<ExecutionCompletedEvent>().Single().Status);
        Assert.Single(Load(SampleHistories.Completed).Events.OfType<SubOrchestrationInstanceCompletedEvent>());
        Assert.Single(Load(SampleHistories.Completed).Events.OfType<EventRaisedEvent>());
        Assert.Equal(OrchestrationRuntimeStatus.Failed, Load(SampleHistories.Failed).Events.OfType<ExecutionCompletedEvent>().Single().Status);
        Assert.Empty(Load(SampleHistories.Running).Events.OfType<ExecutionCompletedEvent>());
        Assert.Single(Load(SampleHistories.TimedOut).Events.OfType<TimerFiredEvent>());
        HistoryExport retried = Load(SampleHistories.SubOrchestrationWithRetry);
        Assert.NotNull(retried.Events.OfType<ExecutionStartedEvent>().Single().Parent);
        Assert.Single(retried.Events.OfType<TaskFailedEvent>());
        Assert.Single(retried.Events.OfType<TimerFiredEvent>());
    }

    [Theory]
    [MemberData(nameof(DeterministicHistories))]
    public void Replay_CommittedHistoryAgainstCurrentCode_IsDeterministic(string fileName)
    {
        ReplayResult result = CurrentCode().Replay(Read(fileName));

        Assert.True(result.IsDeterministic, $"{fileName}: {result.Message}");
        Assert.Null(result.Message);
    }

    [Fact]
    public void Replay_HistoryOfFirstVersionAgainstReorderedActivities_RejectedNamingExpectedAndActualAction()
    {
        ReplayResult result = CurrentCode().Replay(Read(SampleHistories.NonDeterministic));

        Assert.False(result.IsDeterministic);
        Assert.Contains("Non-deterministic orchestrator 'RefundOrder'", result.Message);
        Assert.Contains("expected TaskScheduled 'ReverseCharge' (task 0)", result.Message);
        Assert.Contains("but the code produced CallActivity 'RestockInventory' (task 0)", result.Message);
    }

    [Fact]
    public void Replay_HistoryOfFirstVersionAgainstFirstVersion_IsDeterministic()
    {
        var registry = new DurableTaskRegistry()
            .AddOrchestratorFunc<Refund, string>(SampleOrchestrations.RefundOrder, SampleOrchestrations.RefundOrderV1Async);

        ReplayResult result = new Replayer(registry).Replay(Read(SampleHistories.NonDeterministic));

        Assert.True(result.IsDeterministic, result.Message);
    }

    [Fact]
    public void Replay_CodeInsertsActivityBeforeRecordedTimer_RejectedNamingBothActions()
    {
        var v2 = new DurableTaskRegistry().AddOrchestratorFunc<Order, OrderResult>(SampleOrchestrations.ProcessOrder, async (context, order) =>
        {
            await context.CallActivityAsync<bool>("ValidateOrder", order);
            decimal[] prices = await Task.WhenAll(order.Lines.Select(line => context.CallActivityAsync<decimal>("PriceLine", line)));
            await context.CallActivityAsync<bool>("CheckFraud", order); // new in v2, before the approval wait
            Approval approval = await context.WaitForExternalEvent<Approval>(SampleOrchestrations.ApprovalEvent, SampleOrchestrations.ApprovalTimeout);
            return new OrderResult(order.OrderId, approval.Approved ? "Approved" : "Rejected", prices.Sum(), null);
        });

        ReplayResult result = new Replayer(v2).Replay(Read(SampleHistories.Running));

        Assert.False(result.IsDeterministic);
        Assert.Contains("expected TimerCreated (task 4)", result.Message);
        Assert.Contains("but the code produced CallActivity 'CheckFraud' (task 4)", result.Message);
    }

    [Fact]
    public void Replay_CodeSchedulesActivityAfterRecordedCompletion_RejectedNamingTheAction()
    {
        var v2 = new DurableTaskRegistry().AddOrchestratorFunc<Order, OrderResult>(SampleOrchestrations.ProcessOrder, async (context, order) =>
        {
            OrderResult result = await SampleOrchestrations.ProcessOrderAsync(context, order);
            await context.CallActivityAsync("NotifyCustomer", new Notification(order.Customer, "Thank you for your order."));
            return result;
        });

        ReplayResult result = new Replayer(v2).Replay(Read(SampleHistories.Completed));

        Assert.False(result.IsDeterministic);
        Assert.Equal("The history ended Completed; the current code ends Running: replaying the history produced " +
            "CallActivity 'NotifyCustomer' (task 7), which the history does not have.", result.Message);
    }

    [Fact]
    public void Replay_RecordedOutputDiffersFromWhatCodeReturns_RejectedNamingBothOutputs()
    {
        var v2 = new DurableTaskRegistry().AddOrchestratorFunc<Order, OrderResult>(SampleOrchestrations.ProcessOrder, async (context, order) =>
            await SampleOrchestrations.ProcessOrderAsync(context, order) with { Outcome = "Shipped" });

        ReplayResult result = new Replayer(v2).Replay(Read(SampleHistories.Completed));

        Assert.False(result.IsDeterministic);
        Assert.Contains("\"outcome\":\"Completed\"", result.Message);
        Assert.Contains("\"outcome\":\"Shipped\"", result.Message);
    }

    [Fact]
    public void Replay_RecordedOutputEditedInHistory_Rejected()
    {
        HistoryExport history = Load(SampleHistories.Completed);
        var edited = history with
        {
            Events = [.. history.Events.Select(e => e is ExecutionCompletedEvent c ? c with { Result = "{\"orderId\":\"A-1001\"}" } : e)],
        };

        ReplayResult result = CurrentCode().Replay(edited);

        Assert.False(result.IsDeterministic);
        Assert.Contains("The history's output was {\"orderId\":\"A-1001\"}", result.Message);
        Assert.Contains("\"trackingNumber\":\"TRK-A-1001\"", result.Message);
    }

    [Fact]
    public void Replay_RecordedFailureButCodeNowCompletes_Rejected()
    {
        var v2 = new DurableTaskRegistry().AddOrchestratorFunc<Order, OrderResult>(SampleOrchestrations.ProcessOrder, async (context, order) =>
        {
            try
            {
                return await SampleOrchestrations.ProcessOrderAsync(context, order);
            }
            catch (TaskFailedException)
            {
                return new OrderResult(order.OrderId, "PaymentDeclined", 0, null);
            }
        });

        ReplayResult result = new Replayer(v2).Replay(Read(SampleHistories.Failed));

        Assert.False(result.IsDeterministic);
        Assert.Equal("The history ended Failed; the current code ends Completed.", result.Message);
    }

    [Fact]
    public void Replay_OrchestratorNoLongerRegistered_RejectedNamingIt()
    {
        ReplayResult result = new Replayer(new DurableTaskRegistry()).Replay(Read(SampleHistories.Completed));

        Assert.False(result.IsDeterministic);
        Assert.Equal("No orchestrator named 'ProcessOrder' is registered with this replayer, so the history cannot be checked.", result.Message);
    }

    [Fact]
    public void Replay_EmptyEventList_FailsWithClearMessage()
    {
        ReplayResult result = CurrentCode().Replay(new HistoryExport("order-1", SampleOrchestrations.ProcessOrder, []));

        Assert.False(result.IsDeterministic);
        Assert.Equal("The history is empty or does not begin with OrchestratorStarted/ExecutionStarted.", result.Message);
    }

    [Fact]
    public void Replay_ExportWithoutEventsProperty_ThrowsJsonExceptionNamingIt()
    {
        JsonException ex = Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay("""{ "instanceId": "order-1", "name": "ProcessOrder" }"""));

        Assert.Equal("The history export has no \"events\" array.", ex.Message);
    }

    [Fact]
    public void Replay_NullEventInList_ThrowsJsonExceptionNamingItsPosition()
    {
        string json = Read(SampleHistories.Completed);
        int second = json.IndexOf("    {\n      \"type\": \"ExecutionStarted\"", StringComparison.Ordinal);
        Assert.True(second > 0);
        string withNull = json.Insert(second, "    null,\n");

        JsonException ex = Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay(withNull));

        Assert.Equal("Event #1 of the history export is null.", ex.Message);
    }

    [Fact]
    public void Replay_HistoryWithoutExecutionStarted_FailsWithClearMessage()
    {
        HistoryExport history = Load(SampleHistories.Completed);
        var broken = history with { Events = [.. history.Events.Where(e => e is not ExecutionStartedEvent)] };

        ReplayResult result = CurrentCode().Replay(broken);

        Assert.False(result.IsDeterministic);
        Assert.Equal("The history has no ExecutionStarted event.", result.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    public void Replay_JsonThatIsNoExport_ThrowsJsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay(json));
    }

    [Fact]
    public void Replay_TruncatedJson_ThrowsJsonExceptionWithPosition()
    {
        string json = Read(SampleHistories.Completed);
        string truncated = json[..(json.Length / 2)];

        JsonException ex = Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay(truncated));

        Assert.NotNull(ex.LineNumber);
        Assert.Contains("LineNumber", ex.Message);
    }

    [Fact]
    public void Replay_UnknownEventType_ThrowsJsonExceptionNamingTheType()
    {
        string json = Read(SampleHistories.Completed).Replace("\"type\": \"TimerCreated\"", "\"type\": \"TimerCreatedV2\"", StringComparison.Ordinal);

        JsonException ex = Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay(json));

        Assert.Contains("TimerCreatedV2", ex.Message);
    }

    [Fact]
    public void Replay_EventWithoutTypeDiscriminator_ThrowsJsonException()
    {
        string json = Read(SampleHistories.Completed).Replace("\"type\": \"TimerCreated\",", "", StringComparison.Ordinal);

        JsonException ex = Assert.ThrowsAny<JsonException>(() => CurrentCode().Replay(json));

        Assert.Contains("must specify a type discriminator", ex.Message);
        Assert.Contains("$.events[14]", ex.Message);
    }

    [Fact]
    public void RoundTrip_ExportWithEveryEventType_PreservesEveryField()
    {
        HistoryEvent[] events = EveryEventType();
        var export = new HistoryExport("order-1", "ProcessOrder", events);

        string json = export.ToJson();
        HistoryExport back = HistoryExport.FromJson(json);

        Assert.Equal(DerivedEventTypes(), events.Select(e => e.GetType()).ToHashSet());
        Assert.Equal(export.InstanceId, back.InstanceId);
        Assert.Equal(export.Name, back.Name);
        Assert.Equal(events.Length, back.Events.Count);
        for (int i = 0; i < events.Length; i++)
        {
            Assert.IsType(events[i].GetType(), back.Events[i]);
            Assert.Equivalent(events[i], back.Events[i], strict: true);
            Assert.Equal(DateTimeKind.Utc, back.Events[i].Timestamp.Kind);
        }

        Assert.Equal(json, back.ToJson());
    }

    [Theory]
    [MemberData(nameof(AllHistories))]
    public void RoundTrip_CommittedHistory_ReserializesToTheSameJson(string fileName)
    {
        string json = Read(fileName).ReplaceLineEndings("\n").TrimEnd('\n');

        string again = HistoryExport.FromJson(json).ToJson().ReplaceLineEndings("\n");

        Assert.Equal(json, again);
    }

    [Fact(Timeout = 60_000)]
    public async Task Replay_FreshRecordingOfEveryScenario_IsDeterministic()
    {
        IReadOnlyList<(string FileName, HistoryExport Export)> recordings = await SampleHistories.RecordAllAsync();

        Assert.Equal(SampleHistories.FileNames, recordings.Select(r => r.FileName));
        foreach ((string fileName, HistoryExport export) in recordings.Where(r => r.FileName != SampleHistories.NonDeterministic))
        {
            ReplayResult result = CurrentCode().Replay(export.ToJson());
            Assert.True(result.IsDeterministic, $"{fileName}: {result.Message}");
        }

        HistoryExport v1 = recordings.Single(r => r.FileName == SampleHistories.NonDeterministic).Export;
        Assert.False(CurrentCode().Replay(v1).IsDeterministic);
    }

    private static Replayer CurrentCode() => new(new DurableTaskRegistry().AddSamples());

    private static string[] CommittedFiles() =>
        [.. Directory.GetFiles(HistoriesDirectory, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    private static string Read(string fileName) => File.ReadAllText(Path.Combine(HistoriesDirectory, fileName));

    private static HistoryExport Load(string fileName) => HistoryExport.FromJson(Read(fileName));

    private static HashSet<Type> DerivedEventTypes() =>
        [.. typeof(HistoryEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType)];

    private static HistoryEvent[] EveryEventType()
    {
        var at = new DateTime(2025, 3, 3, 9, 0, 0, DateTimeKind.Utc);
        var failure = new FailureDetails("System.TimeoutException", "Carrier API timed out.", "   at Carrier.Ship()",
            new FailureDetails("System.Net.Sockets.SocketException", "Connection reset."));
        HistoryEvent[] events =
        [
            new OrchestratorStartedEvent(),
            new ExecutionStartedEvent("ProcessOrder", "{\"orderId\":\"A-1\"}", "exec-2", new ParentInstance("parent-1", "exec-1", "Parent", 7),
                new Dictionary<string, string> { ["tenant"] = "contoso" }, at.AddMinutes(5)),
            new TaskScheduledEvent(0, "ChargePayment", "{\"amount\":12.5}"),
            new TaskCompletedEvent(0, "\"ch_1\""),
            new TaskFailedEvent(1, failure),
            new TimerCreatedEvent(2, at.AddDays(3)),
            new TimerFiredEvent(2, at.AddDays(3)),
            new EventRaisedEvent("Approval", "{\"approved\":true}") { MessageId = "msg-1" },
            new EventSentEvent(3, "other-1", "Ping", "42"),
            new SubOrchestrationInstanceCreatedEvent(4, "FulfillOrder", "order-1:fulfillment", "{\"orderId\":\"A-1\"}"),
            new SubOrchestrationInstanceCompletedEvent(4, "\"TRK-1\""),
            new SubOrchestrationInstanceFailedEvent(5, failure),
            new ExecutionSuspendedEvent("maintenance"),
            new ExecutionResumedEvent("maintenance over"),
            new ExecutionTerminatedEvent("cancelled by operator", "\"terminated\""),
            new ContinueAsNewEvent("{\"round\":2}"),
            new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Failed, "\"partial\"", failure),
            new OrchestratorCompletedEvent(),
        ];
        return [.. events.Select((e, i) => e with { EventId = i, Timestamp = at.AddSeconds(i) })];
    }
}
