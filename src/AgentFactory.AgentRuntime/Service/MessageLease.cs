using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>
/// Keeps a received message invisible while its task runs, renewing at half the visibility timeout, so a long task
/// is not handed to a second consumer. Each renewal changes the pop receipt; the delete uses the latest.
/// </summary>
internal sealed class MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time)
{
    private string popReceipt = message.PopReceipt;

    public string PopReceipt => Volatile.Read(ref popReceipt);

    /// <summary>Renews until the returned handle is disposed.</summary>
    public IAsyncDisposable KeepAlive(CancellationToken cancellationToken)
    {
        var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(done.Token);
        return new Handle(done, renewing);
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(visibility / 2, time, cancellationToken);
                UpdateReceipt receipt = await queue.UpdateMessageAsync(message.MessageId, PopReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken);
                Volatile.Write(ref popReceipt, receipt.PopReceipt);
            }
        }
        catch (OperationCanceledException)
        {
            // The task finished (or the service stops).
        }
        catch (Azure.RequestFailedException)
        {
            // Lost the message (it became visible and someone else took it): the delete will fail and be logged.
        }
    }

    private sealed class Handle(CancellationTokenSource done, Task renewing) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await done.CancelAsync();
            await renewing;
            done.Dispose();
        }
    }
}
