using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFactory.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Monitoring;

/// <summary>
/// Delivers an alert to its rule's destination: a message on a queue of <paramref name="queues"/> (the factory's
/// account, which agents cannot write, so an alert is never forged), or a JSON POST to a webhook.
/// </summary>
public class AlertSender(QueueServiceClient queues, HttpClient http, IOptions<AgentMonitorOptions> options)
{
    private readonly ConcurrentDictionary<string, Task> _queues = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="alert"/>; throws when the destination did not take it.</summary>
    public virtual async Task SendAsync(AlertRule rule, AlertMessage alert, CancellationToken cancellationToken = default)
    {
        string json = JsonSerializer.Serialize(alert, AgentFactoryJson.Options);
        switch (rule.Destination)
        {
            case AlertDestinationKind.Queue:
                // The alert queue is the factory's, not an agent's: made on first use, once per process.
                Task created = _queues.GetOrAdd(rule.Target, name => queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: CancellationToken.None));
                try
                {
                    await created.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Not cached as failed: the next alert tries again.
                    _queues.TryRemove(new KeyValuePair<string, Task>(rule.Target, created));
                    throw;
                }

                await queues.GetQueueClient(rule.Target).SendMessageAsync(json, cancellationToken).ConfigureAwait(false);
                break;
            case AlertDestinationKind.Webhook:
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(options.Value.WebhookTimeout);
                    using var content = JsonContent.Create(alert, options: AgentFactoryJson.Options);
                    using HttpResponseMessage response = await http.PostAsync(new Uri(rule.Target), content, timeout.Token).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown alert destination {rule.Destination}.");
        }
    }
}
