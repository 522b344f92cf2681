using System.Net.WebSockets;
using System.Text.Json;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Progress.LocalHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// Drop-and-resync: a subscriber that stops reading fills its bounded queue and is closed with 1008, while the
/// publisher (a synchronous call, as the activities make it) never waits and a reading subscriber of the same group
/// gets every message in order.
/// </summary>
public sealed class SlowSubscriberTests
{
    [Fact(Timeout = 120_000)]
    public async Task ASubscriberThatDoesNotRead_IsDropped_WithoutHoldingUpThePublisherOrTheOthers()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ProgressOptions>().Configure(o => o.Local.ConnectionQueueCapacity = 16);
        builder.Services.AddSingleton<LocalWebPubSubHub>();
        await using WebApplication app = builder.Build();
        app.UseWebSockets();
        app.MapLocalWebPubSubHub();
        await app.StartAsync();
        var appBase = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        LocalWebPubSubHub hub = app.Services.GetRequiredService<LocalWebPubSubHub>();

        const string group = "deployment-slow";
        using ClientWebSocket slow = await ConnectAsync(hub.GetClientAccessUri(appBase, "slow", [], [group]));
        using ClientWebSocket reader = await ConnectAsync(hub.GetClientAccessUri(appBase, "reader", [], [group]));
        var received = new List<long>();
        Task<List<long>> reading = ReadAllAsync(reader, 400, received);

        // 400 × 64 KiB is far more than the socket buffers take: the slow one's queue must fill. The test keeps within
        // a few messages of the reader (the hub itself never waits), so only the one that does not read falls behind.
        string padding = new('x', 64 * 1024);
        for (long i = 1; i <= 400; i++)
        {
            await Containers.Eventually.TrueAsync(() => Task.FromResult(Count(received) >= i - 4), TimeSpan.FromSeconds(30), "the reader to keep up");
            hub.SendToGroup(group, JsonSerializer.SerializeToUtf8Bytes(new { sequence = i, padding }));
        }

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), await reading.WaitAsync(TimeSpan.FromSeconds(60)));

        // The slow subscriber now reads: some messages, then the hub's 1008 (reconnect and resume from the log).
        byte[] buffer = new byte[128 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await slow.ReceiveAsync(buffer, CancellationToken.None);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
        Assert.Equal(1, hub.ConnectionCount);
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(LocalHubEndpoint.JsonProtocol);
        await socket.ConnectAsync(url, CancellationToken.None);
        return socket;
    }

    private static int Count(List<long> sequences)
    {
        lock (sequences)
        {
            return sequences.Count;
        }
    }

    private static async Task<List<long>> ReadAllAsync(ClientWebSocket socket, int count, List<long> sequences)
    {
        byte[] buffer = new byte[128 * 1024];
        using var message = new MemoryStream();
        while (Count(sequences) < count)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            using JsonDocument frame = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);
            if (frame.RootElement.GetProperty("type").GetString() == "message")
            {
                Assert.Equal("deployment-slow", frame.RootElement.GetProperty("group").GetString());
                lock (sequences)
                {
                    sequences.Add(frame.RootElement.GetProperty("data").GetProperty("sequence").GetInt64());
                }
            }
        }

        lock (sequences)
        {
            return [.. sequences];
        }
    }
}
