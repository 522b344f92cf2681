using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Orchestration.Activities;

/// <summary>An activity's result with the progress event that announces it.</summary>
public sealed record Published<T>(T Result, string Type, string Message);

/// <summary>
/// Base of the agent-creation activities. Each call carries a <see cref="ProgressTicket"/> and publishes exactly one
/// event under the ticket's sequence, with its result as the event's data. That event is also the call's idempotency
/// record: activities are at-least-once, and a re-run (a redelivered message, a retry after a crash) finds the event
/// and returns the result recorded there instead of doing the work again — so a re-run gives the same result, and a
/// sandbox run or a first task is not repeated.
/// </summary>
public abstract class DeploymentActivity<TInput, TOutput>(DeploymentEventTable events, TimeProvider time) : TaskActivity<TInput, TOutput>
{
    /// <summary>The call's ticket.</summary>
    protected abstract ProgressTicket TicketOf(TInput input);

    /// <summary>Does the work; the result must hold no secret (it becomes history and event data).</summary>
    protected abstract Task<Published<TOutput>> ExecuteAsync(TInput input, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input, CancellationToken cancellationToken)
    {
        ProgressTicket ticket = TicketOf(input);
        if (await events.GetAsync(ticket.DeploymentId, ticket.Sequence, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            events.Announce(earlier);
            return Recorded(earlier);
        }

        Published<TOutput> published = await ExecuteAsync(input, cancellationToken).ConfigureAwait(false);
        var e = new DeploymentEvent
        {
            DeploymentId = ticket.DeploymentId,
            Sequence = ticket.Sequence,
            Time = time.GetUtcNow(),
            Type = published.Type,
            Step = ticket.Step,
            StepName = ticket.StepName,
            Progress = ticket.Progress,
            Message = published.Message,
            DataJson = JsonSerializer.Serialize(published.Result, DataConverter.DefaultOptions),
        };
        if (await events.AppendAsync(e, cancellationToken).ConfigureAwait(false))
        {
            // Live progress only after the log has the event: the log is the source of truth.
            events.Announce(e);
            return published.Result;
        }

        // Two copies of one call ran at once: the one whose event landed is the result.
        DeploymentEvent recorded = (await events.GetAsync(ticket.DeploymentId, ticket.Sequence, cancellationToken).ConfigureAwait(false))!;
        events.Announce(recorded);
        return Recorded(recorded);
    }

    private static TOutput Recorded(DeploymentEvent recorded) =>
        recorded.Type == DeploymentEventTypes.ActivityFailed || recorded.DataJson is null
            ? throw new InvalidOperationException($"Event {recorded.Sequence} of deployment {recorded.DeploymentId} records that this call failed: {recorded.Message}")
            : JsonSerializer.Deserialize<TOutput>(recorded.DataJson, DataConverter.DefaultOptions)!;
}
