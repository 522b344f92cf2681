using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Kinds.Monitoring;

/// <summary>An alert: which target, how many failures in a row, why the last check failed.</summary>
internal sealed record Alert(string Agent, string Target, string Channel, int ConsecutiveFailures, string LastReason, DateTimeOffset At);

/// <summary>Where alerts are delivered.</summary>
internal interface IAlertChannel
{
    Task DeliverAsync(Alert alert, CancellationToken cancellationToken);
}

/// <summary>Every alert is a warning log line (event 30) — the <c>log</c> channel, and the trace of every other one.</summary>
internal sealed class LogAlertChannel(ILogger logger) : IAlertChannel
{
    public Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        Log.Alert(logger, alert.Target, alert.ConsecutiveFailures, alert.LastReason, alert.Channel);
        return Task.CompletedTask;
    }
}

/// <summary>The <c>webhook</c> channel: a JSON POST of the alert to the configured https URL.</summary>
internal sealed class WebhookAlertChannel(HttpClient http, Uri url) : IAlertChannel
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var response = await http.PostAsJsonAsync(url, alert, RuntimeJson.Options, timeout.Token);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>
/// An Azure Storage queue of alerts (AGENT_ALERT_QUEUE): how <c>email</c> alerts reach the platform's mailer — the
/// agent has no mail transport — and, when the variable is set, a copy of every alert for the platform to show.
/// </summary>
internal sealed class QueueAlertChannel(QueueClient queue, string? email) : IAlertChannel
{
    private readonly Lazy<Task> created = new(() => queue.CreateIfNotExistsAsync());

    public async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        await created.Value;
        var message = JsonSerializer.Serialize(new { alert.Agent, alert.Target, alert.Channel, alert.ConsecutiveFailures, alert.LastReason, alert.At, email }, RuntimeJson.Options);
        await queue.SendMessageAsync(message, cancellationToken);
    }
}
