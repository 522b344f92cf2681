using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AgentFactory.Functions.Tests.Containers;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary><c>WS /ws/factory/deployment/{id}</c>: the key in <c>code</c>, tenants isolated, resume from <c>?after=N</c>, live events, closed at the end.</summary>
[Collection(SandboxCollection.Name)]
public sealed class DeploymentWebSocketTests(ProgressApp app) : IClassFixture<ProgressApp>
{
    private Uri Ws(string id, string? key, long? after = null)
    {
        var builder = new UriBuilder(new Uri(app.BaseAddress, $"/ws/factory/deployment/{id}")) { Scheme = "ws" };
        builder.Query = string.Join('&', new[] { key is null ? null : "code=" + Uri.EscapeDataString(key), after is null ? null : "after=" + after }.OfType<string>());
        return builder.Uri;
    }

    private static async Task<HttpStatusCode> RefusedAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    [Fact(Timeout = 120_000)]
    public async Task Connect_NeedsAKey_AndAnotherTenantsDeploymentIsRefusedLikeAnUnknownOne()
    {
        string tenant = "tenant-ws-" + Guid.NewGuid().ToString("N")[..8];
        string key = await app.Keys.CreateAsync(tenant, "portal", "test");
        string strangerKey = await app.Keys.CreateAsync("tenant-ws-other-" + Guid.NewGuid().ToString("N")[..6], "portal", "test");
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        string id = await ProgressApp.CreateWizardAsync(client);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(Ws(id, null)));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedAsync(Ws(id, "not-a-key")));
        Assert.Equal(HttpStatusCode.NotFound, await RefusedAsync(Ws(id, strangerKey)));
        Assert.Equal(HttpStatusCode.NotFound, await RefusedAsync(Ws("dep-none", strangerKey)));
        using HttpClient stranger = app.CreateClient();
        HttpResponseMessage foreignResponse = await stranger.GetAsync(Ws(id, strangerKey).AbsoluteUri.Replace("ws://", "http://", StringComparison.Ordinal));
        HttpResponseMessage unknownResponse = await stranger.GetAsync(Ws("dep-none", strangerKey).AbsoluteUri.Replace("ws://", "http://", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, foreignResponse.StatusCode);
        Assert.Equal(await ProgressApp.ProblemAsync(unknownResponse), await ProgressApp.ProblemAsync(foreignResponse));

        // The owner without a WebSocket gets a ProblemDetails, not a hang.
        HttpResponseMessage plain = await client.GetAsync($"/ws/factory/deployment/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/ws/factory/deployment/{id}?after=-1")).StatusCode);
    }

    [Fact(Timeout = 180_000)]
    public async Task Stream_ResumesAfterN_PushesLiveEvents_AndClosesWhenTheDeploymentEnds()
    {
        string tenant = "tenant-ws-" + Guid.NewGuid().ToString("N")[..8];
        string key = await app.Keys.CreateAsync(tenant, "portal", "test");
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        string id = await ProgressApp.CreateWizardAsync(client);
        long[] before = await ProgressApp.LogAsync(client, id);
        Assert.True(before.Length >= 3, "a waiting wizard has logged a few events");

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(Ws(id, key, after: 2), CancellationToken.None);
        var received = new List<JsonElement>();
        Task<WebSocketCloseStatus?> reading = ReadAllAsync(socket, received);

        await Eventually.TrueAsync(() => Task.FromResult(Count(received) == before.Length - 2), TimeSpan.FromSeconds(30), "the events after 2");
        await ProgressApp.SubmitInvalidAsync(client, id);
        await ProgressApp.CancelAsync(client, id);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await reading.WaitAsync(TimeSpan.FromSeconds(60)));

        long[] log = await ProgressApp.LogAsync(client, id);
        long[] sequences;
        lock (received)
        {
            sequences = [.. received.Select(e => e.GetProperty("sequence").GetInt64())];
            Assert.All(received, e => Assert.Equal(id, e.GetProperty("deploymentId").GetString()));
        }

        Assert.Equal(log.Skip(2), sequences);
    }

    private static int Count(List<JsonElement> received)
    {
        lock (received)
        {
            return received.Count;
        }
    }

    private static async Task<WebSocketCloseStatus?> ReadAllAsync(ClientWebSocket socket, List<JsonElement> received)
    {
        byte[] buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return result.CloseStatus;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                using JsonDocument e = JsonDocument.Parse(message.ToArray());
                lock (received)
                {
                    received.Add(e.RootElement.Clone());
                }

                message.SetLength(0);
            }
        }
    }
}
