using System.Collections.Concurrent;

namespace AgentFactory.Durable.Tests.Replay;

public sealed record OrderLine(string Sku, int Quantity);

public sealed record Order(string OrderId, string Customer, IReadOnlyList<OrderLine> Lines, string PaymentToken);

public sealed record Approval(bool Approved, string Approver);

public sealed record OrderStatus(string Stage);

public sealed record OrderResult(string OrderId, string Outcome, decimal Total, string? TrackingNumber);

public sealed record ChargeRequest(string OrderId, string PaymentToken, decimal Amount);

public sealed record Shipment(string OrderId, string Customer, IReadOnlyList<OrderLine> Lines);

public sealed record Notification(string Customer, string Message);

public sealed record Refund(string OrderId, decimal Amount);

/// <summary>
/// Realistic sample orchestrators: the code the committed histories under Histories/ were recorded
/// with. Changing what these orchestrators schedule, or in which order, breaks those histories — which
/// is exactly what <see cref="ReplayerTests"/> is there to notice.
/// </summary>
public static class SampleOrchestrations
{
    public const string ProcessOrder = "ProcessOrder";
    public const string FulfillOrder = "FulfillOrder";
    public const string RefundOrder = "RefundOrder";
    public const string ApprovalEvent = "Approval";

    /// <summary>Orders above this total wait for a person's approval.</summary>
    public const decimal ApprovalThreshold = 1000m;

    public static readonly TimeSpan ApprovalTimeout = TimeSpan.FromDays(3);

    public static readonly RetryPolicy ShipmentRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(30), backoffCoefficient: 2);

    /// <summary>The payment token the payment activity declines.</summary>
    public const string DeclinedCard = "tok_declined";

    /// <summary>Orders whose id starts with this meet a carrier outage on their first shipment attempt.</summary>
    public const string FlakyCarrierPrefix = "flaky-";

    /// <summary>Registers the current version of every sample orchestrator and all their activities.</summary>
    public static DurableTaskRegistry AddSamples(this DurableTaskRegistry registry, SampleActivityState? state = null)
    {
        state ??= new SampleActivityState();
        return registry
            .AddOrchestratorFunc<Order, OrderResult>(ProcessOrder, ProcessOrderAsync)
            .AddOrchestratorFunc<Shipment, string>(FulfillOrder, FulfillOrderAsync)
            .AddOrchestratorFunc<Refund, string>(RefundOrder, RefundOrderAsync)
            .AddSampleActivities(state);
    }

    /// <summary>The activities alone (for registering an older orchestrator version beside them).</summary>
    public static DurableTaskRegistry AddSampleActivities(this DurableTaskRegistry registry, SampleActivityState state) => registry
        .AddActivityFunc<Order, bool>("ValidateOrder", (_, order) => order.Lines.Count > 0 && order.Lines.All(l => l.Quantity > 0))
        .AddActivityFunc<OrderLine, decimal>("PriceLine", (_, line) => UnitPrice(line.Sku) * line.Quantity)
        .AddActivityFunc<ChargeRequest, string>("ChargePayment", (_, charge) => charge.PaymentToken == DeclinedCard
            ? throw new InvalidOperationException($"Card declined for order {charge.OrderId} ({charge.Amount:0.00}).")
            : $"ch_{charge.OrderId}")
        .AddActivityFunc<Shipment, string>("ReserveInventory", (_, s) => $"res_{s.OrderId}")
        .AddActivityFunc<Shipment, string>("CreateShipment", (_, s) =>
        {
            int attempt = state.ShipmentAttempts.AddOrUpdate(s.OrderId, 1, (_, n) => n + 1);
            return s.OrderId.StartsWith(FlakyCarrierPrefix, StringComparison.Ordinal) && attempt == 1
                ? throw new TimeoutException("Carrier API timed out.")
                : $"TRK-{s.OrderId.ToUpperInvariant()}";
        })
        .AddActivityFunc<Notification, bool>("NotifyCustomer", (_, _) => true)
        .AddActivityFunc<Refund, string>("ReverseCharge", (_, r) => $"re_{r.OrderId}")
        .AddActivityFunc<Refund, bool>("RestockInventory", (_, _) => true);

    public static decimal UnitPrice(string sku) => sku switch
    {
        "LAPTOP" => 1299.00m,
        "DOCK" => 189.50m,
        "CABLE" => 12.25m,
        _ => 50.00m,
    };

    /// <summary>
    /// Validate, price the lines in parallel (fan-out/fan-in), wait for approval of large orders (an
    /// external event with a durable-timer timeout), charge, fulfil in a sub-orchestration.
    /// </summary>
    public static async Task<OrderResult> ProcessOrderAsync(TaskOrchestrationContext context, Order order)
    {
        context.SetCustomStatus(new OrderStatus("validating"));
        if (!await context.CallActivityAsync<bool>("ValidateOrder", order))
        {
            return new OrderResult(order.OrderId, "Invalid", 0, null);
        }

        context.SetCustomStatus(new OrderStatus("pricing"));
        decimal[] prices = await Task.WhenAll(order.Lines.Select(line => context.CallActivityAsync<decimal>("PriceLine", line)));
        decimal total = prices.Sum();

        if (total > ApprovalThreshold)
        {
            context.SetCustomStatus(new OrderStatus("awaiting-approval"));
            Approval approval;
            try
            {
                approval = await context.WaitForExternalEvent<Approval>(ApprovalEvent, ApprovalTimeout);
            }
            catch (TaskCanceledException)
            {
                context.SetCustomStatus(new OrderStatus("approval-timed-out"));
                await context.CallActivityAsync("NotifyCustomer", new Notification(order.Customer, $"Order {order.OrderId} was not approved in time."));
                return new OrderResult(order.OrderId, "ApprovalTimedOut", total, null);
            }

            if (!approval.Approved)
            {
                context.SetCustomStatus(new OrderStatus("rejected"));
                return new OrderResult(order.OrderId, $"RejectedBy:{approval.Approver}", total, null);
            }
        }

        context.SetCustomStatus(new OrderStatus("charging"));
        await context.CallActivityAsync<string>("ChargePayment", new ChargeRequest(order.OrderId, order.PaymentToken, total));

        context.SetCustomStatus(new OrderStatus("fulfilling"));
        string tracking = await context.CallSubOrchestratorAsync<string>(FulfillOrder, new Shipment(order.OrderId, order.Customer, order.Lines),
            new SubOrchestrationOptions { InstanceId = FulfillmentInstanceId(context.InstanceId) });

        context.SetCustomStatus(new OrderStatus("completed"));
        return new OrderResult(order.OrderId, "Completed", total, tracking);
    }

    public static string FulfillmentInstanceId(string orderInstanceId) => orderInstanceId + ":fulfillment";

    /// <summary>Reserve stock, create the shipment (retried with durable back-off timers), tell the customer.</summary>
    public static async Task<string> FulfillOrderAsync(TaskOrchestrationContext context, Shipment shipment)
    {
        await context.CallActivityAsync<string>("ReserveInventory", shipment);
        string tracking = await context.CallActivityAsync<string>("CreateShipment", shipment, TaskOptions.FromRetryPolicy(ShipmentRetry));
        await context.CallActivityAsync("NotifyCustomer", new Notification(shipment.Customer, $"Order {shipment.OrderId} shipped: {tracking}."));
        return tracking;
    }

    /// <summary>Current version: put the goods back first, then give the money back.</summary>
    public static async Task<string> RefundOrderAsync(TaskOrchestrationContext context, Refund refund)
    {
        await context.CallActivityAsync<bool>("RestockInventory", refund);
        return await context.CallActivityAsync<string>("ReverseCharge", refund);
    }

    /// <summary>
    /// The first version of <see cref="RefundOrder"/>, which refunded before restocking. The history
    /// Histories/nondeterministic-refund-order-v1.json was recorded with it; the current version must not
    /// replay it.
    /// </summary>
    public static async Task<string> RefundOrderV1Async(TaskOrchestrationContext context, Refund refund)
    {
        string receipt = await context.CallActivityAsync<string>("ReverseCharge", refund);
        await context.CallActivityAsync<bool>("RestockInventory", refund);
        return receipt;
    }
}

/// <summary>What the sample activities remember between calls (a stand-in for the outside world).</summary>
public sealed class SampleActivityState
{
    public ConcurrentDictionary<string, int> ShipmentAttempts { get; } = new(StringComparer.Ordinal);
}
