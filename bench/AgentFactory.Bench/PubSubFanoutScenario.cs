using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.LocalHub;
using AgentFactory.Functions.Progress.WebPubSub;
using AgentFactory.Functions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Bench;

/// <summary>
/// <c>pubsub-fanout</c>: the local Web PubSub hub (the app's, on Kestrel at 127.0.0.1) with 200 WebSocket subscribers
/// (<c>json.webpubsub.azure.v1</c>, each joined by its token to one of 50 deployments' groups, 4 per group) while 50
/// deployments publish their events concurrently through the real publisher (<see cref="LocalHubProgressPublisher"/>,
/// what the activities call). Each event carries its publish time; receivers note publish → receipt. Two rounds: paced
/// (an event every 20 ms per deployment, like a busy orchestration) and burst (as fast as the publishers can).
/// </summary>
internal static class PubSubFanoutScenario
{
    private const int Subscribers = 200;
    private const int Deployments = 50;

    public static async Task RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"pubsub-fanout — local hub, {Subscribers} subscribers over {Deployments} concurrent deployments (json.webpubsub.azure.v1 over loopback)");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ProgressOptions>();
        builder.Services.AddSingleton<LocalWebPubSubHub>();
        builder.Services.AddSingleton<LocalHubProgressPublisher>();
        await using WebApplication app = builder.Build();
        app.UseWebSockets();
        app.MapLocalWebPubSubHub();
        await app.StartAsync();
        var appBase = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        LocalWebPubSubHub hub = app.Services.GetRequiredService<LocalWebPubSubHub>();
        LocalHubProgressPublisher publisher = app.Services.GetRequiredService<LocalHubProgressPublisher>();

        string run = Guid.NewGuid().ToString("N")[..6];
        string[] deployments = [.. Enumerable.Range(0, Deployments).Select(i => $"dep-bench-{run}-{i:D2}")];
        var receivers = new List<Receiver>();
        var connectClock = Stopwatch.StartNew();
        for (int i = 0; i < Subscribers; i++)
        {
            string group = ProgressGroups.For(deployments[i % Deployments]);
            Uri url = hub.GetClientAccessUri(appBase, "bench-" + i, ["webpubsub.joinLeaveGroup." + group], [group]);
            receivers.Add(await Receiver.ConnectAsync(url));
        }

        Console.WriteLine($"  {Subscribers} connections open and joined in {connectClock.Elapsed.TotalMilliseconds:N0} ms");
        Console.WriteLine();
        Console.WriteLine("  round   events/deployment  published  expected  delivered  dropped-conns  p50 ms  p99 ms  max ms  deliveries/s  Publish() p50 µs  p99 µs");
        await RoundAsync("paced", 40, TimeSpan.FromMilliseconds(20), deployments, publisher, receivers, hub);
        await RoundAsync("burst", 200, TimeSpan.Zero, deployments, publisher, receivers, hub);
        Console.WriteLine();
        Console.WriteLine("  delivered = messages received by all subscribers; expected = events × 4 subscribers per deployment. Publish() is what an activity");
        Console.WriteLine("  pays (it only queues); latency is publish → parsed at the receiver, loopback, one machine for both sides.");

        foreach (Receiver r in receivers)
        {
            await r.DisposeAsync();
        }

        await app.StopAsync();
    }

    private static async Task RoundAsync(string name, int eventsPerDeployment, TimeSpan pace, string[] deployments, LocalHubProgressPublisher publisher,
        List<Receiver> receivers, LocalWebPubSubHub hub)
    {
        foreach (Receiver r in receivers)
        {
            r.Reset(eventsPerDeployment);
        }

        int connectionsBefore = hub.ConnectionCount;
        var publishCost = new double[deployments.Length * eventsPerDeployment];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(deployments.Select((deployment, d) => Task.Run(async () =>
        {
            for (long s = 1; s <= eventsPerDeployment; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                publisher.Publish(new DeploymentEvent
                {
                    DeploymentId = deployment,
                    Sequence = s,
                    Time = DateTimeOffset.UtcNow,
                    Type = "StepStarted",
                    Step = 4,
                    StepName = "provision",
                    Progress = 50,
                    Message = "Provisioning the queue.",
                    DataJson = "{\"t\":" + t0.ToString(CultureInfo.InvariantCulture) + "}",
                });
                publishCost[(d * eventsPerDeployment) + (int)s - 1] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                if (pace > TimeSpan.Zero)
                {
                    await Task.Delay(pace);
                }
            }
        })));

        long expected = (long)deployments.Length * eventsPerDeployment * (Subscribers / Deployments);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (receivers.Sum(r => r.Received) < expected && !deadline.IsCancellationRequested && receivers.Any(r => !r.Closed))
        {
            await Task.Delay(10);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double[] latencies = [.. receivers.SelectMany(r => r.Latencies).Order()];
        Array.Sort(publishCost);
        long delivered = receivers.Sum(r => r.Received);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-7} {eventsPerDeployment,17}  {deployments.Length * eventsPerDeployment,9}  {expected,8}  {delivered,9}  {connectionsBefore - hub.ConnectionCount,13}  "
            + $"{Measure.Percentile(latencies, 50),6:F2}  {Measure.Percentile(latencies, 99),6:F2}  {latencies.DefaultIfEmpty(0).Max(),6:F1}  "
            + $"{delivered / seconds,12:N0}  {Measure.Percentile(publishCost, 50),16:F1}  {Measure.Percentile(publishCost, 99),6:F1}"));
    }

    /// <summary>One subscriber: reads group messages, notes publish → receipt per message.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly List<double> _latencies = [];
        private Task? _reading;
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public bool Closed { get; private set; }

        public IReadOnlyList<double> Latencies
        {
            get
            {
                lock (_latencies)
                {
                    return [.. _latencies];
                }
            }
        }

        public void Reset(int _)
        {
            lock (_latencies)
            {
                _latencies.Clear();
            }

            Interlocked.Exchange(ref _received, 0);
        }

        public static async Task<Receiver> ConnectAsync(Uri url)
        {
            var receiver = new Receiver();
            receiver._socket.Options.AddSubProtocol(LocalHubEndpoint.JsonProtocol);
            await receiver._socket.ConnectAsync(url, CancellationToken.None);
            var connected = new TaskCompletionSource();
            receiver._reading = receiver.ReadAsync(connected);
            await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return receiver;
        }

        private async Task ReadAsync(TaskCompletionSource connected)
        {
            byte[] buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }

                    long now = Stopwatch.GetTimestamp();
                    using (JsonDocument frame = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length)))
                    {
                        JsonElement root = frame.RootElement;
                        if (root.GetProperty("type").GetString() == "system")
                        {
                            connected.TrySetResult();
                        }
                        else if (root.GetProperty("type").GetString() == "message")
                        {
                            using JsonDocument data = JsonDocument.Parse(root.GetProperty("data").GetProperty("dataJson").GetString()!);
                            long sent = data.RootElement.GetProperty("t").GetInt64();
                            lock (_latencies)
                            {
                                _latencies.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                            }

                            Interlocked.Increment(ref _received);
                        }
                    }

                    message.SetLength(0);
                }
            }
            catch (WebSocketException)
            {
            }

            Closed = true;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }

            if (_reading is not null)
            {
                await _reading;
            }

            _socket.Dispose();
        }
    }
}
