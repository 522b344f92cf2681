using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>
/// Service mode: receives task messages from the agent's queue, runs them (up to <see cref="ServiceOptions.Concurrency"/>
/// at once), writes each result to the results table and then deletes the message. A message that cannot be read, or
/// that was received more than <see cref="ServiceOptions.MaxDequeueCount"/> times, moves to <c>&lt;queue&gt;-poison</c>.
/// On stop (SIGTERM) it receives nothing more, lets running tasks finish within the drain timeout, and returns.
/// </summary>
internal sealed class ServiceMode(AgentHost host, TaskRunner runner, ServiceOptions options, ILogger logger)
{
    private readonly QueueClient queue = options.Storage.Queue(options.Queue);
    private readonly QueueClient poison = options.Storage.Queue(options.PoisonQueue);
    private readonly ResultTable results = new(options.Storage.Table(options.ResultsTable), host.AgentName);
    private readonly ServiceCounters counters = new();

    public async Task<int> RunAsync(CancellationToken stop)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: stop);
        await poison.CreateIfNotExistsAsync(cancellationToken: stop);
        await results.CreateIfNotExistsAsync(stop);
        var heartbeat = new Heartbeat(Path.Combine(host.StateDirectory, Heartbeat.FileName), options.Storage.Table(ServiceOptions.HeartbeatTable), host.AgentName, counters, host.Time, logger);
        await using var handler = HandlerFactory.Create(host, host.AgentName);
        using var work = new CancellationTokenSource(); // outlives `stop` by the drain timeout
        var background = handler is IBackgroundWork own ? own.RunAsync(stop) : Task.CompletedTask;
        var beating = heartbeat.RunAsync(options.HeartbeatInterval, stop);
        Log.Listening(logger, options.Queue, options.ResultsTable);

        var running = new List<Task>();
        var idle = options.PollMin;
        while (!stop.IsCancellationRequested)
        {
            running.RemoveAll(task => task.IsCompleted);
            try
            {
                if (running.Count >= options.Concurrency)
                {
                    await Task.WhenAny(running).WaitAsync(stop);
                    continue;
                }

                QueueMessage[] messages = await queue.ReceiveMessagesAsync(Math.Min(32, options.Concurrency - running.Count), options.VisibilityTimeout, stop);
                foreach (var message in messages)
                {
                    running.Add(ProcessAsync(handler, message, work.Token));
                }

                idle = messages.Length > 0 ? options.PollMin : Min(idle * 2, options.PollMax);
                if (messages.Length == 0)
                {
                    await Task.Delay(idle, host.Time, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Azure.RequestFailedException e)
            {
                Log.ReceiveFailed(logger, options.Queue, e);
                await Task.Delay(options.PollMax, host.Time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await DrainAsync(running, work);
        await Task.WhenAll(background, beating).ContinueWith(_ => { }, TaskScheduler.Default); // both end on `stop`
        await heartbeat.BeatAsync("stopped", CancellationToken.None);
        return 0;
    }

    private async Task DrainAsync(List<Task> running, CancellationTokenSource work)
    {
        try
        {
            await Task.WhenAll(running).WaitAsync(options.DrainTimeout);
        }
        catch (TimeoutException)
        {
            await work.CancelAsync();
            await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ProcessAsync(IAgentHandler handler, QueueMessage message, CancellationToken cancellationToken)
    {
        // Off the receive loop at once: parsing and the first part of the task must not delay the next receive.
        await Task.Yield();
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                await PoisonAsync(message, $"received {message.DequeueCount} times; the limit is {options.MaxDequeueCount}", cancellationToken);
                return;
            }

            var (task, error) = TaskMessage.Parse(message.Body);
            if (task is null)
            {
                // Reading it again will not make it readable: no retries for a broken message.
                await PoisonAsync(message, error!, cancellationToken);
                return;
            }

            var lease = new MessageLease(queue, message, options.VisibilityTimeout, host.Time);
            TaskOutcome outcome;
            await using (lease.KeepAlive(cancellationToken))
            {
                outcome = await runner.RunAsync(handler, task, cancellationToken);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return; // cut off by shutdown: the message comes back and runs again
            }

            await results.WriteAsync(outcome, message.MessageId, message.DequeueCount, host.Time.GetUtcNow(), cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, cancellationToken);
            counters.Completed(outcome.Ok);
            Log.TaskCompleted(logger, task.Id, message.MessageId);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Left on the queue: visible again after the timeout, and poisoned once it has come back too often.
            Log.MessageRetried(logger, message.MessageId, e);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the message stays and runs again later.
        }
    }

    private async Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        counters.Poison();
        Log.MessagePoisoned(logger, message.MessageId, options.PoisonQueue, message.DequeueCount, reason);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
